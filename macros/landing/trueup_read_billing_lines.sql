{#- The seams for the billing exports. Each returns one row per data row of every export of
    its landing source visible at as_of (export_date on or before the as_of date): source_file
    (relative to the landing root), line_number (1-based data row; a CSV header is not
    counted), export_date, and every column of `required` and `optional` as text (NULL when the
    file has no such column; a file without a required column stops the build, naming the file
    and the column). The DuckDB implementations read the files where they lie
    (trueup_read_billing_files); an engine without file readers loads the exports into raw
    tables (the source relations) first and adds its own `<adapter>__` implementations. -#}

{#- FinOps FOCUS exports (source('billing', 'focus_lines')). -#}
{% macro trueup_read_focus_lines(source_relation, required, optional) -%}
    {{ return(adapter.dispatch('trueup_read_focus_lines', 'trueup')(
        source_relation, required, optional)) }}
{%- endmacro %}

{% macro default__trueup_read_focus_lines(source_relation, required, optional) -%}
    {{ trueup_landing_reader_missing('trueup_read_focus_lines') }}
{%- endmacro %}

{% macro duckdb__trueup_read_focus_lines(source_relation, required, optional) -%}
    {{ trueup_read_billing_files(trueup_billing_export_format(source_relation), required, optional) }}
{%- endmacro %}

{#- Invoice-line exports of our own invoicing system (source('billing', 'invoice_lines')). -#}
{% macro trueup_read_invoice_lines(source_relation, required, optional) -%}
    {{ return(adapter.dispatch('trueup_read_invoice_lines', 'trueup')(
        source_relation, required, optional)) }}
{%- endmacro %}

{% macro default__trueup_read_invoice_lines(source_relation, required, optional) -%}
    {{ trueup_landing_reader_missing('trueup_read_invoice_lines') }}
{%- endmacro %}

{% macro duckdb__trueup_read_invoice_lines(source_relation, required, optional) -%}
    {{ trueup_read_billing_files(trueup_billing_export_format(source_relation), required, optional) }}
{%- endmacro %}

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
        {%- set export_format = trueup_billing_export_format(source_relation) -%}
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

{#- The export format of a billing landing source: the last part of its landing folder
    (billing/<format>), which names the exports in messages and in source_system. -#}
{% macro trueup_billing_export_format(source_relation) -%}
    {%- set folder = trueup_landing_folder(source_relation) -%}
    {%- if folder is none -%}
        {{ return(source_relation.identifier) }}
    {%- endif -%}
    {%- if not folder.startswith('billing/') or folder.count('/') != 1 -%}
        {{ exceptions.raise_compiler_error(
            "trueup: the landing folder of billing source " ~ source_relation
            ~ " must be billing/<format>, not " ~ folder) }}
    {%- endif -%}
    {{ return(folder.split('/')[1]) }}
{%- endmacro %}
