{#- A 128-bit integer type for exact scaled-integer arithmetic. -#}
{% macro trueup_type_bigint128() -%}
    {{ return(adapter.dispatch('trueup_type_bigint128', 'trueup')()) }}
{%- endmacro %}

{% macro default__trueup_type_bigint128() -%}
    decimal(38, 0)
{%- endmacro %}

{% macro duckdb__trueup_type_bigint128() -%}
    hugeint
{%- endmacro %}
