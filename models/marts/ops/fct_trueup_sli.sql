{#- True-up service level indicators per reported period (percentages 0-100). Ratios over
    variance rows count the rows with anything expected, billed or metered. -#}

with

periods as (
    select * from {{ ref('int_periods_reported') }}
),

variance as (
    select * from {{ ref('fct_trueup_variance') }}
),

frozen as (
    select * from {{ ref('fct_variance_at_close') }}
),

closes as (
    select * from {{ ref('fct_period_closes') }}
),

ledger as (
    select * from {{ ref('fct_adjustment_ledger') }}
),

usage_days as (
    select * from {{ ref('fct_usage_daily') }}
),

staged as (
    select * from {{ ref('stg_usage__records') }}
),

quarantine as (
    select * from {{ ref('fct_usage_quarantine') }}
),

statuses as (
    select * from {{ ref('int_variance_statuses') }}
),

variance_rows as (
    select
        variance.period_start,
        count(*) as variance_rows,
        count(case when variance.status = 'matched' then 1 end) as matched_rows,
        count(case when statuses.is_exception then 1 end) as exception_rows
    from variance
    left join statuses on variance.status = statuses.status
    where
        variance.expected_amount <> 0
        or variance.billed_amount <> 0
        or variance.metered_quantity <> 0
    group by variance.period_start
),

post_close as (
    select
        frozen.period_start,
        sum(abs(coalesce(variance.expected_amount, 0) - frozen.expected_amount))
            as expected_change,
        sum(abs(frozen.expected_amount)) as expected_at_close
    from frozen
    left join variance
        on frozen.period_start = variance.period_start
        and frozen.tenant_id = variance.tenant_id
        and frozen.meter = variance.meter
    group by frozen.period_start
),

usage_rates as (
    select
        cast({{ dbt.date_trunc('month', 'usage_date') }} as date) as period_start,
        sum(event_count) as accepted_events,
        sum(duplicate_count) as removed_duplicates,
        sum(late_event_count) as late_events
    from usage_days
    group by cast({{ dbt.date_trunc('month', 'usage_date') }} as date)
),

ingested_records as (
    -- every record staged by as_of, and every quarantined one, by when it was ingested
    select
        ingested_at,
        false as is_quarantined
    from staged
    where ingested_at <= {{ trueup_as_of_sql() }}
    union all
    select
        ingested_at,
        true as is_quarantined
    from quarantine
    where ingested_at is not null
),

records_by_ingestion as (
    select
        cast({{ dbt.date_trunc('month', 'ingested_at') }} as date) as period_start,
        count(case when not is_quarantined then 1 end) as raw_records,
        count(case when is_quarantined then 1 end) as quarantined_records
    from ingested_records
    group by cast({{ dbt.date_trunc('month', 'ingested_at') }} as date)
),

ledger_rates as (
    select
        period_start,
        count(*) as entries,
        count(case when approval = 'auto' then 1 end) as auto_entries
    from ledger
    group by period_start
),

close_times as (
    select
        period_start,
        min(closed_at) as closed_at
    from closes
    group by period_start
),

chain_checks as (
    {{ trueup_ledger_chain_checks(ref('fct_adjustment_ledger')) }}
),

integrity as (
    select count(*) as broken_entries
    from chain_checks
    where rule is not null
),

final as (
    select
        periods.period_start,
        {{ trueup_percentage('cast(variance_rows.matched_rows as decimal(38, 0))',
            'cast(coalesce(variance_rows.variance_rows, 0) as decimal(38, 0))') }}
            as reconciliation_accuracy_pct,
        {{ trueup_percentage('cast(post_close.expected_change as decimal(38, 2))',
            'cast(coalesce(post_close.expected_at_close, 0) as decimal(38, 2))') }}
            as post_close_variance_pct,
        {{ trueup_percentage('cast(usage_rates.removed_duplicates as decimal(38, 0))',
            'cast(coalesce(usage_rates.accepted_events + usage_rates.removed_duplicates, 0)'
            ~ ' as decimal(38, 0))') }}
            as duplicate_event_rate_pct,
        {{ trueup_percentage('cast(usage_rates.late_events as decimal(38, 0))',
            'cast(coalesce(usage_rates.accepted_events, 0) as decimal(38, 0))') }}
            as late_event_rate_pct,
        {{ trueup_percentage(
            'cast(coalesce(records_by_ingestion.quarantined_records, 0) as decimal(38, 0))',
            'cast(coalesce(records_by_ingestion.raw_records, 0) as decimal(38, 0))') }}
            as quarantined_record_rate_pct,
        {{ trueup_percentage('cast(variance_rows.exception_rows as decimal(38, 0))',
            'cast(coalesce(variance_rows.variance_rows, 0) as decimal(38, 0))') }}
            as exception_rate_pct,
        {{ trueup_percentage('cast(ledger_rates.auto_entries as decimal(38, 0))',
            'cast(coalesce(ledger_rates.entries, 0) as decimal(38, 0))') }}
            as automated_adjustment_rate_pct,
        {{ trueup_divide_exact(
            'cast(' ~ dbt.datediff(
                'cast(periods.period_end as timestamp)', 'close_times.closed_at', 'second'
            ) ~ ' as decimal(38, 0))',
            3600,
            6
        ) }} as reconciliation_latency_hours,
        integrity.broken_entries as ledger_integrity_errors
    from periods
    left join variance_rows on periods.period_start = variance_rows.period_start
    left join post_close on periods.period_start = post_close.period_start
    left join usage_rates on periods.period_start = usage_rates.period_start
    left join records_by_ingestion on periods.period_start = records_by_ingestion.period_start
    left join ledger_rates on periods.period_start = ledger_rates.period_start
    left join close_times on periods.period_start = close_times.period_start
    cross join integrity
)

select * from final
