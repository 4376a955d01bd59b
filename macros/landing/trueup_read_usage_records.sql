{#- The seam for usage records: every record of the usage files that this build has to read
    (those of the landing source `source_relation` not yet in `loaded_relation`, the staging
    model's own table in an incremental run, else none), one typed row each: source_file,
    line_number, source_format, record_shape, is_supported_schema, producer, event_id,
    tenant_id, meter, has_quantity, quantity (DECIMAL(38, 9)), event_ts and ingested_at (UTC
    timestamps), sample_rate (DECIMAL(38, 18), 1 when absent) and raw_record (the record's raw
    text, or its Parquet row as JSON; kept by staging only for records that fail a check).
    `known_meters` is trueup_known_meters(). Returns a select.
    The DuckDB implementation reads the files where they lie: the file register
    (trueup_usage_files_to_load), JSONL lines as strict JSON field by field with their physical
    line numbers (trueup_read_jsonl_lines, trueup_json_usage_fields), Parquet rows column by
    column (trueup_read_parquet_rows). An engine without these readers loads the landing into a
    raw table (the source relation) first and adds its own `<adapter>__` implementation. -#}
{% macro trueup_read_usage_records(source_relation, loaded_relation, known_meters) -%}
    {{ return(adapter.dispatch('trueup_read_usage_records', 'trueup')(
        source_relation, loaded_relation, known_meters)) }}
{%- endmacro %}

{% macro default__trueup_read_usage_records(source_relation, loaded_relation, known_meters) -%}
    {{ trueup_landing_reader_missing('trueup_read_usage_records') }}
{%- endmacro %}

{% macro duckdb__trueup_read_usage_records(source_relation, loaded_relation, known_meters) -%}
{%- set files = _trueup_split_usage_files(trueup_usage_files_to_load(
    trueup_landing_folder(source_relation), loaded_relation)) -%}
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
)

select * from json_typed
union all
select * from parquet_rows
{%- endmacro %}
