{#- Null-safe inequality (IS DISTINCT FROM): true when exactly one side is NULL or both are
    set and differ. Written out so that every engine and linter reads it. -#}
{% macro trueup_is_different(left, right) -%}
    coalesce({{ left }} <> {{ right }}, ({{ left }} is null) <> ({{ right }} is null))
{%- endmacro %}
