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
    {{ trueup_read_billing_files(_trueup_billing_export_format(source_relation), required, optional) }}
{%- endmacro %}
