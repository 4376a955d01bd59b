{#- CAST that yields NULL instead of failing on a value that does not convert.
    (dbt's safe_cast is a plain CAST on DuckDB, PostgreSQL and Spark.) -#}
{% macro trueup_try_cast(expression, data_type) -%}
    {{ return(adapter.dispatch('trueup_try_cast', 'trueup')(expression, data_type)) }}
{%- endmacro %}

{% macro default__trueup_try_cast(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}
