{#-
    Every record of every landed usage file, typed and checked field by field.
    Incremental: a build reads only the files it has not loaded before (files never change
    after landing), whatever their records' ingested_at; visibility by as_of is applied
    downstream, so that a later build with a later as_of does not re-read a file. The files
    loaded so far are looked up in the register int_usage_files_loaded (see
    trueup_usage_files_to_load), not in every staged record.
    JSONL lines are parsed as strict JSON, each field from its own value (numbers digit for
    digit); Parquet rows are read column by column. The raw text is kept for records that fail a check.
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
    )
}}

{%- set files = trueup_split_usage_files(
    trueup_usage_files_to_load(this, trueup_model_relation('int_usage_files_loaded'))
    if is_incremental() else trueup_usage_files_to_load()
) -%}
{%- set known_meters = trueup_known_meters() %}

-- depends_on: {{ ref('meters') }}

with

jsonl_lines as (
    {{ trueup_read_jsonl_lines(files.jsonl) }}
),

parquet_rows as (
    {{ trueup_read_parquet_rows(files.parquet, known_meters) }}
),

fields as (
    -- each line parsed as strict JSON; the same meaning under the two record shapes' names,
    -- every field from its own JSON value (numbers digit for digit)
    {{ trueup_json_usage_fields('jsonl_lines') }}
),

json_typed as (
    select
        source_file,
        line_number,
        source_format,
        record_shape,
        is_supported_schema,
        {{ trueup_trimmed_text('producer_text') }} as producer,
        {{ trueup_trimmed_text('event_id_text') }} as event_id,
        {{ trueup_trimmed_text('tenant_id_text') }} as tenant_id,
        {{ trueup_trimmed_text('meter_text') }} as meter,
        coalesce(quantity_kind, 'null') <> 'null' as has_quantity,
        case when quantity_kind in ('number', 'string')
                then {{ trueup_parse_decimal('quantity_text', 9) }}
        end as quantity,
        case when event_ts_kind = 'string'
                then {{ trueup_parse_utc_timestamp(trueup_trimmed_text('event_ts_text')) }}
        end as event_ts,
        case when ingested_at_kind = 'string'
                then {{ trueup_parse_utc_timestamp(trueup_trimmed_text('ingested_at_text')) }}
        end as ingested_at,
        case
            when coalesce(sample_rate_kind, 'null') = 'null' then cast(1 as decimal(38, 18))
            when sample_rate_kind in ('number', 'string')
                then {{ trueup_parse_decimal('sample_rate_text', 18) }}
        end as sample_rate,
        raw_record
    from fields
),

typed as (
    select * from json_typed
    union all
    select * from parquet_rows
),

final as (
    -- only what cannot be derived again: the format follows from the file name, and the
    -- checks from the typed fields (int_usage_records_classified); every stored column costs
    -- write time on each record
    select
        source_file,
        line_number,
        record_shape,
        producer,
        event_id,
        {{ trueup_key_hash(['producer', 'event_id']) }} as key_hash,
        tenant_id,
        meter,
        quantity,
        sample_rate,
        event_ts,
        -- the ingestion clock is trusted: a record cannot have been received after the build
        -- that reads its file started (+ the tolerated skew). Such a time is stored as
        -- unreadable, so the record is visible at every as_of and quarantined, instead of
        -- staying out of sight until an as_of that never comes
        case
            when ingested_at <= {{ dbt.dateadd(
                'minute', trueup_int_var('max_clock_skew_minutes'), trueup_run_stamp_sql()) }}
                then ingested_at
        end as ingested_at,
        is_supported_schema,
        has_quantity,
        case
            when not {{ trueup_usage_record_is_clean(known_meters) }} then raw_record
        end as raw_record,
        {{ trueup_run_stamp_sql() }} as loaded_at
    from typed
)

select * from final
