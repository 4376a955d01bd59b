{#-
    Usage per tenant × meter × usage_date, kept incrementally, and the usage watermark: a build
    folds in the batch of usable records that became visible since the watermark (originals add
    to their day; removed duplicates count on their winner's day) and rewrites just the days they
    touch. A replay or an out-of-order arrival recomputes it from every visible record.
    The watermark is the latest as_of (processed_as_of) and staging load (loaded_through) folded
    in, read from this model's own rows (`{{ this }}`); int_usage_duplicates_identified keeps
    its own, so a build that stopped between the two leaves each where it got to.
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='merge',
        unique_key=['tenant_id', 'meter', 'usage_date'],
        on_schema_change='fail',
        pre_hook="{{ trueup_usage_reset_hook(check_order=true, loaded_column='loaded_through') }}",
    )
}}

{%- set refresh = trueup_usage_refresh(check_order=true, loaded_column='loaded_through') -%}
{%- set mode, state = refresh.mode, refresh.state -%}
{%- set day_keys = ['tenant_id', 'meter', 'usage_date'] -%}

with

pending as (
    {{ trueup_usage_pending_records(
        ref('int_usage_records_classified'), mode, state, 'quarantine_reason is null'
    ) }}
),

removed as (
    -- the batch's removed copies (after a full build or a rebuild, all of them)
    select removed.*
    from {{ ref('int_usage_duplicates_identified') }} as removed
    {%- if mode == 'incremental' %}
    where exists (
        select 1
        from pending
        where pending.source_file = removed.source_file
            and pending.line_number = removed.line_number
    )
    {%- endif %}
),

originals as (
    select pending.*
    from pending
    left join removed
        on pending.source_file = removed.source_file
        and pending.line_number = removed.line_number
    where removed.source_file is null
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
    from originals
    group by tenant_id, meter, usage_date
),

duplicates_by_day as (
    select
        winner_tenant_id as tenant_id,
        winner_meter as meter,
        winner_usage_date as usage_date,
        count(*) as duplicate_count
    from removed
    group by winner_tenant_id, winner_meter, winner_usage_date
),

changes as (
    select
        {{ trueup_coalesced_keys('originals_by_day', 'duplicates_by_day', day_keys) }},
        originals_by_day.aggregation,
        originals_by_day.quantity,
        coalesce(originals_by_day.event_count, 0) as event_count,
        coalesce(duplicates_by_day.duplicate_count, 0) as duplicate_count,
        coalesce(originals_by_day.late_event_count, 0) as late_event_count,
        coalesce(originals_by_day.clock_skew_corrected_count, 0) as clock_skew_corrected_count
    from originals_by_day
    full outer join duplicates_by_day
        on {{ trueup_keys_match('originals_by_day', 'duplicates_by_day', day_keys) }}
),

{% if mode == 'incremental' %}
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
    left join {{ this }} as rolled_up on {{ trueup_keys_match('changes', 'rolled_up', day_keys) }}
),
{% else %}
    combined as (
        select * from changes
    ),
{% endif %}

loads as (
    -- every load so far: records loaded but not yet visible are still ahead of the
    -- watermark's as_of, so a later batch takes them by their ingested_at; incrementally
    -- only loads after the watermark's can be newer (a range the scan prunes by)
    select
        {% if mode == 'incremental' -%}
            coalesce(max(loaded_at), cast('{{ state.loaded_at }}' as timestamp))
        {%- else -%}
            max(loaded_at)
        {%- endif %} as loaded_through
    from {{ ref('stg_usage__records') }}
    {%- if mode == 'incremental' %}
    where loaded_at > cast('{{ state.loaded_at }}' as timestamp)
    {%- endif %}
),

final as (
    select
        combined.tenant_id,
        combined.meter,
        combined.usage_date,
        combined.aggregation,
        cast(combined.quantity as decimal(38, 9)) as quantity,
        cast(combined.event_count as bigint) as event_count,
        cast(combined.duplicate_count as bigint) as duplicate_count,
        cast(combined.late_event_count as bigint) as late_event_count,
        cast(combined.clock_skew_corrected_count as bigint) as clock_skew_corrected_count,
        {{ trueup_as_of_sql() }} as processed_as_of,
        loads.loaded_through
    from combined
    cross join loads
)

select * from final
