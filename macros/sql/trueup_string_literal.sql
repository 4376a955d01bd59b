{#- `value` as a SQL string literal: quotes doubled, so that any text (a var typed by a user,
    `tenant-001' or 'x'='x`) stays one value and never becomes SQL. -#}
{% macro trueup_string_literal(value) -%}
    {{ return("'" ~ (value | string | replace("'", "''")) ~ "'") }}
{%- endmacro %}
