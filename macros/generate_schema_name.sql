{#- Schemas are named exactly as configured (finance, ops, ...) in every engine and target,
    so that finance can rely on `finance.fct_usage_daily` wherever the project runs. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
