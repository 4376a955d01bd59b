{#- dbt's convention for schema names, with exact names where a warehouse belongs to one reader
    (the rule is trueup_schema_name). A model without a custom schema goes to the target's. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ trueup_schema_name(custom_schema_name, target.name, target.schema) }}
{%- endmacro %}
