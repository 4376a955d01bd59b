{#- Invoice-line exports of our own invoicing system (source('billing', 'invoice_lines')). -#}
{% macro trueup_read_invoice_lines(source_relation, required, optional) -%}
    {{ return(adapter.dispatch('trueup_read_invoice_lines', 'trueup')(
        source_relation, required, optional)) }}
{%- endmacro %}

{% macro default__trueup_read_invoice_lines(source_relation, required, optional) -%}
    {{ trueup_landing_reader_missing('trueup_read_invoice_lines') }}
{%- endmacro %}

{% macro duckdb__trueup_read_invoice_lines(source_relation, required, optional) -%}
    {{ trueup_read_billing_files(_trueup_billing_export_format(source_relation), required, optional) }}
{%- endmacro %}
