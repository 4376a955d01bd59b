{#- The name of the seed (relation) a reference-data check runs on, for its messages. -#}
{% macro trueup_seed_name(model) -%}
    {{ return((model.identifier if model.identifier is defined else model) | string | lower) }}
{%- endmacro %}
