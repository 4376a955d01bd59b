{#- `as_of` as a SQL timestamp expression (UTC, no time zone). -#}
{% macro trueup_as_of_sql() -%}
    cast('{{ trueup_as_of() }}' as timestamp)
{%- endmacro %}
