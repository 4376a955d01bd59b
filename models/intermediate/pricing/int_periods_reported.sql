{#- The billing periods (calendar months, UTC) reported in this build: from the earliest month
    that holds any visible accepted usage or usage billing line (mapped or not, with a readable
    date) through the month that contains as_of. -#}

with

usage_days as (
    select * from {{ ref('int_usage_daily_metered') }}
),

billing_lines as (
    select * from {{ ref('int_billing_lines_mapped') }}
),

first_months as (
    select cast({{ dbt.date_trunc('month', 'min(usage_date)') }} as date) as first_period
    from usage_days

    union all

    select min(period_start) as first_period
    from billing_lines
    where is_usage_line
),

bounds as (
    select
        min(first_period) as first_period,
        cast({{ dbt.date_trunc('month', trueup_as_of_sql()) }} as date) as last_period
    from first_months
),

months as (
    {{ dbt.date_spine(
        'month',
        "cast('2000-01-01' as date)",
        "cast('2100-01-01' as date)",
    ) }}
),

final as (
    select
        cast(months.date_month as date) as period_start,
        cast({{ dbt.dateadd('month', 1, 'months.date_month') }} as date) as period_end
    from months
    inner join bounds
        on cast(months.date_month as date) >= bounds.first_period
        and cast(months.date_month as date) <= bounds.last_period
)

select * from final
