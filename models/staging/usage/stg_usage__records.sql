{#-
    Every record of every landed usage file, typed and checked field by field.
    Incremental: a build reads only the files it has not loaded before (files never change
    after landing), whatever their records' ingested_at; visibility by as_of is applied
    downstream, so that a later build with a later as_of does not re-read a file. The files
    loaded so far are this model's own (`{{ this }}`, see trueup_usage_files_to_load): the
    register int_usage_files_loaded is built from staging, downstream, and is never read here.
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

{%- set known_meters = trueup_known_meters() %}

-- depends_on: {{ ref('meters') }}

with

-- the landing's records, read by the engine's reader (the seam), minus the files this model
-- has loaded already (its own table)
typed as (
    {{ trueup_read_usage_records(
        source('usage', 'usage_records'), this if is_incremental() else none, known_meters
    ) }}
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
