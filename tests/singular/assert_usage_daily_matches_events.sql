{#-
    The incrementally maintained daily rollup equals a rollup recomputed from every visible
    usable record and the removed copies: catches any drift of the incremental fold
    (quantities, counts, vanished days).
-#}

with

usable as (
    select * from {{ ref('int_usage_records_classified') }}
    where quarantine_reason is null
        and ingested_at <= {{ trueup_as_of_sql() }}
),

removed as (
    select * from {{ ref('int_usage_duplicates_identified') }}
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
    from usable
    where not exists (
            select 1
            from removed
            where removed.source_file = usable.source_file
                and removed.line_number = usable.line_number
        )
    group by tenant_id, meter, usage_date
),

duplicates as (
    select
        winner_tenant_id as tenant_id,
        winner_meter as meter,
        winner_usage_date as usage_date,
        count(*) as duplicate_count
    from removed
    group by winner_tenant_id, winner_meter, winner_usage_date
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
