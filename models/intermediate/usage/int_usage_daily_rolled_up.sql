{#-
    Usage per tenant × meter × usage_date, kept incrementally: a build folds in only the events
    processed since its last refresh (new originals add to their day; new duplicates count on
    their original's day) and rewrites just the days they touch. When the event table was
    rebuilt since (a replay or out-of-order arrival), the rollup is recomputed in full.
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='merge',
        unique_key=['tenant_id', 'meter', 'usage_date'],
        on_schema_change='fail',
        pre_hook="{{ trueup_usage_daily_reset_hook(ref('int_usage_events_deduplicated')) }}",
    )
}}

{%- set refresh = trueup_usage_daily_refresh(ref('int_usage_events_deduplicated')) %}

with

events as (
    select * from {{ ref('int_usage_events_deduplicated') }}
    {%- if refresh.mode == 'incremental' %}
    where processed_at > cast('{{ refresh.watermark }}' as timestamp)
    {%- endif %}
),

originals_by_day as (
    select
        tenant_id,
        meter,
        usage_date,
        max(aggregation) as aggregation,
        {{ trueup_meter_quantity('aggregation', 'weighted_quantity') }} as quantity,
        count(*) as event_count,
        count(case when is_late then 1 end) as late_event_count,
        count(case when is_clock_skew_corrected then 1 end) as clock_skew_corrected_count
    from events
    where not is_duplicate
    group by tenant_id, meter, usage_date
),

duplicates_by_day as (
    select
        original_tenant_id as tenant_id,
        original_meter as meter,
        original_usage_date as usage_date,
        count(*) as duplicate_count
    from events
    where is_duplicate
    group by original_tenant_id, original_meter, original_usage_date
),

changes as (
    select
        coalesce(originals_by_day.tenant_id, duplicates_by_day.tenant_id) as tenant_id,
        coalesce(originals_by_day.meter, duplicates_by_day.meter) as meter,
        coalesce(originals_by_day.usage_date, duplicates_by_day.usage_date) as usage_date,
        originals_by_day.aggregation,
        originals_by_day.quantity,
        coalesce(originals_by_day.event_count, 0) as event_count,
        coalesce(duplicates_by_day.duplicate_count, 0) as duplicate_count,
        coalesce(originals_by_day.late_event_count, 0) as late_event_count,
        coalesce(originals_by_day.clock_skew_corrected_count, 0) as clock_skew_corrected_count
    from originals_by_day
    full outer join duplicates_by_day
        on originals_by_day.tenant_id = duplicates_by_day.tenant_id
        and originals_by_day.meter = duplicates_by_day.meter
        and originals_by_day.usage_date = duplicates_by_day.usage_date
),

{% if refresh.mode == 'incremental' %}
combined as (
    select
        changes.tenant_id,
        changes.meter,
        changes.usage_date,
        coalesce(changes.aggregation, rolled_up.aggregation) as aggregation,
        case
            when coalesce(changes.aggregation, rolled_up.aggregation) = 'max'
                then greatest(rolled_up.quantity, changes.quantity)
            else coalesce(rolled_up.quantity, 0) + coalesce(changes.quantity, 0)
        end as quantity,
        coalesce(rolled_up.event_count, 0) + changes.event_count as event_count,
        coalesce(rolled_up.duplicate_count, 0) + changes.duplicate_count as duplicate_count,
        coalesce(rolled_up.late_event_count, 0) + changes.late_event_count as late_event_count,
        coalesce(rolled_up.clock_skew_corrected_count, 0)
        + changes.clock_skew_corrected_count as clock_skew_corrected_count
    from changes
    left join {{ this }} as rolled_up
        on changes.tenant_id = rolled_up.tenant_id
        and changes.meter = rolled_up.meter
        and changes.usage_date = rolled_up.usage_date
),
{% else %}
    combined as (
        select * from changes
    ),
{% endif %}

final as (
    select
        tenant_id,
        meter,
        usage_date,
        aggregation,
        cast(quantity as decimal(38, 9)) as quantity,
        cast(event_count as bigint) as event_count,
        cast(duplicate_count as bigint) as duplicate_count,
        cast(late_event_count as bigint) as late_event_count,
        cast(clock_skew_corrected_count as bigint) as clock_skew_corrected_count,
        (select max(events.processed_at) from events) as refreshed_through
    from combined
)

select * from final
