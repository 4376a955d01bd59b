{#-
    Every usable, visible usage record, once, marked original or duplicate.
    Dedupe key (producer, event_id). Copies of a key are taken in order of
    (ingested_at, source_file, line_number): the first is an original; a later copy is a
    duplicate of the current original when it arrives within dedupe_horizon_days of it
    (inclusive), else it starts a new original.
    Incremental: only records that became visible since the last build are processed; the
    only history read is the latest original of the keys they touch, within the horizon.
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ trueup_usage_reset_hook(check_order=true) }}",
    )
}}

{%- set mode = trueup_usage_refresh_mode(check_order=true) -%}
{%- set state = trueup_usage_state(this) if mode == 'incremental' else {} -%}
{%- set horizon_days = trueup_int_var('dedupe_horizon_days') -%}
{%- set copy_columns = [
    'producer', 'event_id', 'source_file', 'line_number', 'tenant_id', 'meter', 'usage_date',
    'ingested_at', 'quantity', 'event_ts', 'sample_rate',
] %}

-- depends_on: {{ ref('stg_usage__records') }}

with

pending as (
    {{ trueup_usage_pending_records(
        ref('int_usage_records_classified'), mode, state, 'quarantine_reason is null'
    ) }}
),

{% if mode == 'incremental' %}
pending_keys as (
    select distinct producer, event_id
    from pending
),

prior_originals as (
    -- the latest original of each pending key that can still absorb a copy
    select
        {%- for column in copy_columns %}
        processed.{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ this }} as processed
    inner join pending_keys
        on processed.producer = pending_keys.producer
        and processed.event_id = pending_keys.event_id
    where not processed.is_duplicate
        and processed.ingested_at >= (
            select {{ dbt.dateadd('day', -horizon_days, 'min(ingested_at)') }} from pending
        )
    qualify row_number() over (
        partition by processed.producer, processed.event_id
        order by processed.ingested_at desc, processed.source_file desc,
            processed.line_number desc
    ) = 1
),
{% endif %}

copies as (
    select {{ copy_columns | join(', ') }}, false as is_prior
    from pending
    {% if mode == 'incremental' %}
    union all
    select {{ copy_columns | join(', ') }}, true as is_prior
    from prior_originals
    {% endif %}
),

repeated_keys as (
    select
        producer,
        event_id
    from copies
    group by producer, event_id
    having count(*) > 1
),

repeated_copies as (
    select
        copies.*,
        row_number() over (
            partition by copies.producer, copies.event_id
            order by copies.ingested_at, copies.source_file, copies.line_number
        ) as copy_number
    from copies
    inner join repeated_keys
        on copies.producer = repeated_keys.producer
        and copies.event_id = repeated_keys.event_id
),

copy_chain as (
    -- walk each repeated key's copies in order, carrying the current original
    -- (a nested recursive query keeps the outer WITH plain for dbt's CTE injection)
    select * from (
        with recursive chain as (
            select
                producer,
                event_id,
                copy_number,
                copy_number as original_copy_number,
                ingested_at as original_ingested_at
            from repeated_copies
            where copy_number = 1

            union all

            select
                next_copy.producer,
                next_copy.event_id,
                next_copy.copy_number,
                case
                    when next_copy.ingested_at
                        <= {{ dbt.dateadd('day', horizon_days, 'chain.original_ingested_at') }}
                        then chain.original_copy_number
                    else next_copy.copy_number
                end as original_copy_number,
                case
                    when next_copy.ingested_at
                        <= {{ dbt.dateadd('day', horizon_days, 'chain.original_ingested_at') }}
                        then chain.original_ingested_at
                    else next_copy.ingested_at
                end as original_ingested_at
            from chain
            inner join repeated_copies as next_copy
                on chain.producer = next_copy.producer
                and chain.event_id = next_copy.event_id
                and next_copy.copy_number = chain.copy_number + 1
        )

        select * from chain
    )
),

winners as (
    select
        copy_chain.producer,
        copy_chain.event_id,
        this_copy.source_file,
        this_copy.line_number,
        this_copy.is_prior,
        copy_chain.original_copy_number <> copy_chain.copy_number as is_duplicate,
        original.source_file as original_source_file,
        original.line_number as original_line_number,
        original.tenant_id as original_tenant_id,
        original.meter as original_meter,
        original.usage_date as original_usage_date,
        -- a conflicting duplicate says something else than its original
        (
            this_copy.tenant_id <> original.tenant_id
            or this_copy.meter <> original.meter
            or this_copy.quantity is distinct from original.quantity
            or this_copy.event_ts <> original.event_ts
            or this_copy.sample_rate <> original.sample_rate
        ) as differs_from_original
    from copy_chain
    inner join repeated_copies as this_copy
        on copy_chain.producer = this_copy.producer
        and copy_chain.event_id = this_copy.event_id
        and copy_chain.copy_number = this_copy.copy_number
    inner join repeated_copies as original
        on copy_chain.producer = original.producer
        and copy_chain.event_id = original.event_id
        and copy_chain.original_copy_number = original.copy_number
),

final as (
    select
        pending.producer,
        pending.event_id,
        pending.source_file,
        pending.line_number,
        pending.tenant_id,
        pending.meter,
        pending.aggregation,
        pending.quantity,
        pending.sample_rate,
        pending.weighted_quantity,
        pending.event_ts,
        pending.event_at,
        pending.usage_date,
        pending.ingested_at,
        coalesce(winners.is_duplicate, false) as is_duplicate,
        coalesce(winners.original_source_file, pending.source_file) as original_source_file,
        coalesce(winners.original_line_number, pending.line_number) as original_line_number,
        coalesce(winners.original_tenant_id, pending.tenant_id) as original_tenant_id,
        coalesce(winners.original_meter, pending.meter) as original_meter,
        coalesce(winners.original_usage_date, pending.usage_date) as original_usage_date,
        coalesce(winners.is_duplicate and winners.differs_from_original, false) as is_conflicting,
        pending.is_late,
        pending.is_clock_skew_corrected,
        pending.loaded_at,
        {{ trueup_as_of_sql() }} as processed_as_of,
        {{ trueup_run_stamp_sql() }} as processed_at
    from pending
    left join winners
        on pending.source_file = winners.source_file
        and pending.line_number = winners.line_number
        and not winners.is_prior
)

select * from final
