-- The largest variances that need a person this period: everything not matched or
-- auto-adjusted, in the latest period with any (or set var review_period: the month YYYY-MM
-- or a date YYYY-MM-DD in it).

with

variance as (
    select * from {{ ref('fct_trueup_variance') }}
),

exceptions as (
    select * from variance
    where status not in ('matched', 'auto_adjust')
),

chosen_period as (
    select
        {% if trueup_period_var('review_period') -%}
            cast({{ trueup_string_literal(trueup_period_var('review_period')) }} as date)
        {%- else -%}
            max(period_start)
        {%- endif %} as period_start
    from exceptions
),

final as (
    select
        exceptions.period_start,
        exceptions.tenant_id,
        exceptions.meter,
        exceptions.status,
        exceptions.currency,
        exceptions.expected_amount,
        exceptions.billed_amount,
        exceptions.amount_variance,
        exceptions.variance_pct,
        exceptions.metered_quantity,
        exceptions.billed_quantity
    from exceptions
    inner join chosen_period on exceptions.period_start = chosen_period.period_start
)

select * from final
order by abs(amount_variance) desc, tenant_id asc, meter asc
