{#-
    Metered usage per tenant × meter × UTC day of event_at, as visible at as_of, with the
    meter's unit and aggregation from the meter catalog: what pricing, the reported periods and
    the variance read (the mart fct_usage_daily shows it). A view over the incrementally kept
    daily rollup.
-#}

with

rolled_up as (
    select * from {{ ref('int_usage_daily_rolled_up') }}
),

meters as (
    select * from {{ ref('meters') }}
),

final as (
    select
        rolled_up.tenant_id,
        rolled_up.meter,
        rolled_up.usage_date,
        meters.unit,
        meters.aggregation,
        rolled_up.quantity,
        rolled_up.event_count,
        rolled_up.duplicate_count,
        rolled_up.late_event_count,
        rolled_up.clock_skew_corrected_count
    from rolled_up
    inner join meters on rolled_up.meter = meters.meter
)

select * from final
