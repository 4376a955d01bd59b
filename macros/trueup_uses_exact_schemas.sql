{#- Whether target `target_name` uses the configured schema names exactly (see
    generate_schema_name): the embedded DuckDB targets and the production targets. -#}
{% macro trueup_uses_exact_schemas(target_name) -%}
    {%- set name = target_name | string | lower -%}
    {{ return(name in ['duckdb', 'memory', 'prod'] or name.endswith('_prod')) }}
{%- endmacro %}
