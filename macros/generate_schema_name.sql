{#- dbt's convention for schema names, with exact names where a warehouse belongs to one reader:
    - the embedded DuckDB targets (`duckdb`, `memory`: one warehouse file per user) and the
      production targets (named `prod` or ending in `_prod`) use the configured names exactly
      (`finance`, `ops`, `staging`, ...), so finance can rely on `finance.fct_usage_daily`;
    - every other target (the shared-server dev targets `postgres`, `spark`, a CI target) gets
      `<target.schema>_<custom>` (e.g. `public_finance`), so two developers on one server
      never overwrite each other.
    A model without a custom schema goes to the target's schema. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif trueup_uses_exact_schemas(target.name) -%}
        {{ custom_schema_name | trim }}
    {%- else -%}
        {{ target.schema }}_{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
