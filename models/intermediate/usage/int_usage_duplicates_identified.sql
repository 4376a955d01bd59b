{#-
    Every removed duplicate copy of a usage event, with the copy that won. Every other usable,
    visible record is an original and is not stored here (its own staging row says all).
    Dedupe key (producer, event_id). Copies of a key are taken in order of
    (ingested_at, source_file, line_number): the first is an original; a later copy is a
    duplicate of the current original when it arrives within dedupe_horizon_days of it
    (inclusive), else it starts a new original.
    Incremental: the batch is the records that became visible since this model's own
    watermark, read from its rows (`{{ this }}`): the latest processed_as_of and processed_at
    (the run stamp, which is also the loaded_at of the records that build loaded). A build that
    removes nothing leaves the watermark where it was, so the next batch starts there. The only
    history read is the earlier copies of the batch's keys within the horizon.
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ trueup_usage_reset_hook(check_order=true, loaded_column='processed_at') }}",
    )
}}

{%- set refresh = trueup_usage_refresh(check_order=true, loaded_column='processed_at') -%}
{%- set mode, state = refresh.mode, refresh.state -%}
{%- set horizon_days = trueup_int_var('dedupe_horizon_days') -%}
{%- set copy_columns = [
    'producer', 'event_id', 'source_file', 'line_number', 'tenant_id', 'meter', 'usage_date',
    'ingested_at', 'quantity', 'event_ts', 'sample_rate',
] %}

{%- set staged = ref('stg_usage__records') -%}

with

{% if mode == 'incremental' %}
{%- set classified_staging = '(' ~ trueup_usage_classified_records(staged) ~ ') as classified' -%}
{%- set earlier_condition -%}
    key_hash in (select pending.key_hash from pending)
    and ingested_at
        >= {{ dbt.dateadd('day', -horizon_days, "cast('" ~ state.as_of ~ "' as timestamp)") }}
    and ingested_at <= cast('{{ state.as_of }}' as timestamp)
    and loaded_at <= cast('{{ state.loaded_at }}' as timestamp)
{%- endset %}

pending as (
    {{ trueup_usage_pending_records(classified_staging, mode, state, 'quarantine_reason is null') }}
),

earlier_records as (
    -- staged records with a batch key's hash that earlier builds processed, within the
    -- horizon: the scan matches one 64-bit column and fetches only the matching rows
    -- (trueup_sparse_rows), and only those are classified.
    -- Every batch record was ingested after the watermark's as_of (an earlier one would be an
    -- out-of-order arrival, which rebuilds), so a literal window bounds the scan
    {{ trueup_sparse_rows(staged, earlier_condition) }}
),

earlier_copies as (
    -- the usable ones among them, of the batch's keys themselves (not just their hashes)
    select
        {%- for column in copy_columns %}
        earlier.{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from ({{ trueup_usage_classified_records('earlier_records') }}) as earlier
    where earlier.quarantine_reason is null
        and exists (
            select 1
            from pending
            where pending.producer = earlier.producer
                and pending.event_id = earlier.event_id
        )
),

earlier_kept as (
    -- the copies that were not removed, latest first per key
    select
        earlier_copies.*,
        row_number() over (
            partition by earlier_copies.producer, earlier_copies.event_id
            order by earlier_copies.ingested_at desc, earlier_copies.source_file desc,
                earlier_copies.line_number desc
        ) as recency
    from earlier_copies
    where not exists (
        select 1
        from {{ this }} as removed
        where removed.source_file = earlier_copies.source_file
            and removed.line_number = earlier_copies.line_number
    )
),

earlier_originals as (
    -- the current original of each key: its latest copy that was not removed
    select {{ copy_columns | join(', ') }}
    from earlier_kept
    where recency = 1
),

candidate_copies as (
    -- a batch is small: every copy of it and every earlier original of its keys
    select {{ copy_columns | join(', ') }}, false as is_earlier
    from pending
    union all
    select {{ copy_columns | join(', ') }}, true as is_earlier
    from earlier_originals
),
{% endif %}

{% if mode != 'incremental' %}
    repeated_hashes as (
        -- hashes of keys that may have several copies: one 64-bit column over all of staging,
        -- usable or not, visible or not (a superset: the exact key decides below)
        {{ trueup_repeated_values(staged, 'key_hash') }}
    ),

    candidate_records as (
        select staged.*
        from {{ staged }} as staged
        inner join repeated_hashes
            on staged.key_hash = repeated_hashes.key_hash
    ),

    candidate_copies as (
        -- the usable, visible ones: only these few records are classified
        select {{ copy_columns | join(', ') }}, false as is_earlier
        from (
            {{ trueup_usage_pending_records(
                '(' ~ trueup_usage_classified_records('candidate_records') ~ ') as classified',
                mode, state, 'quarantine_reason is null'
            ) }}
        ) as pending
    ),
{% endif %}

repeated_keys as (
    -- each key with several copies, numbered: the copies are walked and matched by this
    -- integer, not by the key's strings
    select
        producer,
        event_id,
        row_number() over () as key_id
    from candidate_copies
    group by producer, event_id
    having count(*) > 1
),

repeated_copies as (
    select
        candidate_copies.*,
        repeated_keys.key_id,
        row_number() over (
            partition by repeated_keys.key_id
            order by
                candidate_copies.ingested_at,
                candidate_copies.source_file,
                candidate_copies.line_number
        ) as copy_number
    from candidate_copies
    inner join repeated_keys
        on candidate_copies.producer = repeated_keys.producer
        and candidate_copies.event_id = repeated_keys.event_id
),

copy_chain as (
    -- walk each repeated key's copies in order, carrying the current original
    -- (a nested recursive query keeps the outer WITH plain for dbt's CTE injection)
    select * from (
        with recursive chain as (
            select
                key_id,
                copy_number,
                copy_number as original_copy_number,
                ingested_at as original_ingested_at
            from repeated_copies
            where copy_number = 1

            union all

            select
                next_copy.key_id,
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
                on chain.key_id = next_copy.key_id
                and next_copy.copy_number = chain.copy_number + 1
        )

        select * from chain
    )
),

removed as (
    select
        this_copy.producer,
        this_copy.event_id,
        this_copy.source_file,
        this_copy.line_number,
        this_copy.tenant_id,
        this_copy.meter,
        this_copy.usage_date,
        this_copy.ingested_at,
        original.source_file as winner_source_file,
        original.line_number as winner_line_number,
        original.tenant_id as winner_tenant_id,
        original.meter as winner_meter,
        original.usage_date as winner_usage_date,
        -- a conflicting duplicate says something else than its original
        coalesce(
            this_copy.tenant_id <> original.tenant_id
            or this_copy.meter <> original.meter
            or {{ trueup_is_different('this_copy.quantity', 'original.quantity') }}
            or this_copy.event_ts <> original.event_ts
            or this_copy.sample_rate <> original.sample_rate,
            false
        ) as is_conflicting
    from copy_chain
    inner join repeated_copies as this_copy
        on copy_chain.key_id = this_copy.key_id
        and copy_chain.copy_number = this_copy.copy_number
    inner join repeated_copies as original
        on copy_chain.key_id = original.key_id
        and copy_chain.original_copy_number = original.copy_number
    where copy_chain.original_copy_number <> copy_chain.copy_number
        and not this_copy.is_earlier
),

final as (
    select
        removed.*,
        {{ trueup_as_of_sql() }} as processed_as_of,
        {{ trueup_run_stamp_sql() }} as processed_at
    from removed
    {%- if mode == 'incremental' %}
    -- a build that stopped after this model already removed some of the batch's copies
    where not exists (
        select 1
        from {{ this }} as already_removed
        where already_removed.source_file = removed.source_file
            and already_removed.line_number = removed.line_number
    )
    {%- endif %}
)

select * from final
