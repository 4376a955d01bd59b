{#-
    Metered usage per tenant × meter × UTC day of event_at, as visible at as_of.
    A view over int_usage_daily_metered (the incrementally kept daily rollup with the meter's
    unit and aggregation): a build does not rewrite the whole history of days, so its cost
    follows the new data.
-#}
{{ config(materialized='view') }}

with

usage_days as (
    select * from {{ ref('int_usage_daily_metered') }}
),

final as (
    select
        tenant_id,
        meter,
        usage_date,
        unit,
        aggregation,
        quantity,
        event_count,
        duplicate_count,
        late_event_count,
        clock_skew_corrected_count
    from usage_days
)

select * from final
