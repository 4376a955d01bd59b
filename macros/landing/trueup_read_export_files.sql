{#- The export files of the billing sources `source_relations` visible at as_of, whether or not
    they have lines (an empty export still counts): source_system (the export format),
    source_file, export_date, size_bytes. Returns a select. -#}
{% macro trueup_read_export_files(source_relations) -%}
    {{ return(adapter.dispatch('trueup_read_export_files', 'trueup')(source_relations)) }}
{%- endmacro %}

{% macro default__trueup_read_export_files(source_relations) -%}
    {{ trueup_landing_reader_missing('trueup_read_export_files') }}
{%- endmacro %}

{% macro duckdb__trueup_read_export_files(source_relations) -%}
    {%- set exports = [] -%}
    {%- for source_relation in source_relations -%}
        {%- set export_format = _trueup_billing_export_format(source_relation) -%}
        {%- for file in trueup_billing_export_files(export_format) -%}
            {%- do exports.append(
                "select '" ~ export_format ~ "' as source_system, '"
                ~ (file['source_file'] | replace("'", "''")) ~ "' as source_file, cast('"
                ~ file['export_date'] ~ "' as date) as export_date, cast("
                ~ file['size_bytes'] ~ " as bigint) as size_bytes"
            ) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if exports | length == 0 -%}
        {%- do exports.append(
            "select cast(null as varchar) as source_system, cast(null as varchar) as source_file,"
            ~ " cast(null as date) as export_date, cast(null as bigint) as size_bytes where false"
        ) -%}
    {%- endif -%}
    {{ exports | join('\n    union all\n    ') }}
{%- endmacro %}
