{#- Integer division (truncating) of two whole numbers: `//` in DuckDB, `div` elsewhere. -#}
{% macro trueup_int_div(numerator, denominator) -%}
    {{ return(adapter.dispatch('trueup_int_div', 'trueup')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__trueup_int_div(numerator, denominator) -%}
    div({{ numerator }}, {{ denominator }})
{%- endmacro %}

{% macro duckdb__trueup_int_div(numerator, denominator) -%}
    (({{ numerator }}) // ({{ denominator }}))
{%- endmacro %}
