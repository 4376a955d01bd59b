{#- The schema of a relation configured with schema `custom_schema_name` (none: the target's own
    schema) on the target named `target_name` whose schema is `target_schema`:
    - the embedded DuckDB targets (`duckdb`, `memory`: one warehouse file per user) and the
      production targets (named `prod` or ending in `_prod`, any case) use the configured name
      exactly (`finance`, `ops`, `staging`, ...), so finance can rely on `finance.fct_usage_daily`;
    - every other target (the shared-server dev targets `postgres`, `spark`, a CI target) gets
      `<target_schema>_<custom>` (e.g. `public_finance`), dbt's default, so that two developers
      on one server never overwrite each other. -#}
{% macro trueup_schema_name(custom_schema_name, target_name, target_schema) -%}
    {%- set name = target_name | string | trim | lower -%}
    {%- set exact = name in ['duckdb', 'memory', 'prod'] or name.endswith('_prod') -%}
    {%- if custom_schema_name is none -%}
        {{ target_schema }}
    {%- elif exact -%}
        {{ custom_schema_name | trim }}
    {%- else -%}
        {{ target_schema }}_{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
