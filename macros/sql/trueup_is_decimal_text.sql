{#- True when `text` is written as a finite decimal number (plain or exponent notation, as
    trueup_parse_decimal accepts it), whatever its size; false otherwise (NULL stays NULL). -#}
{% macro trueup_is_decimal_text(text) -%}
    {{ return(adapter.dispatch('trueup_is_decimal_text', 'trueup')(text)) }}
{%- endmacro %}

{% macro default__trueup_is_decimal_text(text) -%}
    regexp_like(trim({{ text }}), '^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$')
{%- endmacro %}

{% macro duckdb__trueup_is_decimal_text(text) -%}
    regexp_full_match(trim({{ text }}), '[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?')
{%- endmacro %}
