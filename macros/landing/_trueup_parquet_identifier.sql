{#- A column or field name that comes from a landed file, as a quoted SQL identifier: wrapped in
    double quotes, embedded double quotes doubled, so that any name (`we"ird`, `a b`,
    `x) from y; --`) is one identifier and never SQL. -#}
{% macro _trueup_parquet_identifier(name) -%}
    {{ return('"' ~ (name | string | replace('"', '""')) ~ '"') }}
{%- endmacro %}
