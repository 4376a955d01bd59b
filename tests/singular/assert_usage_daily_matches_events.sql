{#-
    The incrementally maintained daily rollup equals a rollup recomputed from the deduplicated
    events: catches any drift of the incremental fold (quantities, counts, vanished days).
-#}

with

events as (
    select * from {{ ref('int_usage_events_deduplicated') }}
),

originals as (
    select
        tenant_id,
        meter,
        usage_date,
        case
            when max(aggregation) = 'max' then max(weighted_quantity)
            else sum(weighted_quantity)
        end as quantity,
        count(*) as event_count,
        count(case when is_late then 1 end) as late_event_count,
        count(case when is_clock_skew_corrected then 1 end) as clock_skew_corrected_count
    from events
    where not is_duplicate
    group by tenant_id, meter, usage_date
),

duplicates as (
    select
        original_tenant_id as tenant_id,
        original_meter as meter,
        original_usage_date as usage_date,
        count(*) as duplicate_count
    from events
    where is_duplicate
    group by original_tenant_id, original_meter, original_usage_date
),

recomputed as (
    select
        originals.*,
        coalesce(duplicates.duplicate_count, 0) as duplicate_count
    from originals
    left join duplicates
        on originals.tenant_id = duplicates.tenant_id
        and originals.meter = duplicates.meter
        and originals.usage_date = duplicates.usage_date
),

published as (
    select
        tenant_id,
        meter,
        usage_date,
        quantity,
        event_count,
        late_event_count,
        clock_skew_corrected_count,
        duplicate_count
    from {{ ref('fct_usage_daily') }}
),

differences as (
    (
        select * from recomputed
        except
        select * from published
    )
    union all
    (
        select * from published
        except
        select * from recomputed
    )
)

select * from differences
