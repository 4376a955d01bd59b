{#- The usage fields of every line of `lines` (a relation or CTE of trueup_read_jsonl_lines),
    each line parsed as strict JSON: source_file, line_number, source_format, raw_record,
    record_shape (malformed / cloudevents / flat / unknown), is_supported_schema, the text of
    producer, event_id, tenant_id and meter (under either shape's names), and the JSON kind and
    text of quantity, event_ts, ingested_at and sample_rate (CloudEvents: data.quantity and
    data.sample_rate). Every value comes from that field's own JSON value only, numbers as their
    literal digits. A line that is not readable (is_readable false) is malformed. See
    scripts/trueup_tools/duckdb_jsonl.py (trueup_json_usage_fields). -#}
{% macro trueup_json_usage_fields(lines) -%}
    {{ return(adapter.dispatch('trueup_json_usage_fields', 'trueup')(lines)) }}
{%- endmacro %}

{% macro default__trueup_json_usage_fields(lines) -%}
    {{ _trueup_registered_function_missing('trueup_json_usage_fields', 'parses JSONL records') }}
{%- endmacro %}

{% macro duckdb__trueup_json_usage_fields(lines) -%}
    {%- set columns = [
        'producer_text', 'event_id_text', 'tenant_id_text', 'meter_text',
        'quantity_kind', 'quantity_text', 'event_ts_kind', 'event_ts_text',
        'ingested_at_kind', 'ingested_at_text', 'sample_rate_kind', 'sample_rate_text',
    ] -%}
    select
        source_file,
        line_number,
        source_format,
        raw_record,
        coalesce(json_extract_string(parsed, '$.record_shape'), 'malformed') as record_shape,
        coalesce(json_extract_string(parsed, '$.is_supported_schema') = 'true', false)
        as is_supported_schema,
        {%- for column in columns %}
        json_extract_string(parsed, '$.{{ column }}') as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from (
        select
            *,
            -- compact JSON of strings, booleans and nulls only (no number to lose digits)
            case
                when is_readable then cast(trueup_json_usage_fields(raw_record) as json)
            end as parsed
        from {{ lines }}
    ) as parsed_lines
{%- endmacro %}
