{#- Text without leading and trailing spaces, NULL when nothing is left. -#}
{% macro trueup_trimmed_text(expression) -%}
    {{ return(adapter.dispatch('trueup_trimmed_text', 'trueup')(expression)) }}
{%- endmacro %}

{% macro default__trueup_trimmed_text(expression) -%}
    nullif(trim({{ expression }}), '')
{%- endmacro %}

{#- DuckDB's trim copies every string it returns; most values have nothing to trim, and
    passing them through as they are makes staging's text columns about twice as cheap. -#}
{% macro duckdb__trueup_trimmed_text(expression) -%}
    case
        when {{ expression }} = ''
            or starts_with({{ expression }}, ' ')
            or ends_with({{ expression }}, ' ')
            then nullif(trim({{ expression }}), '')
        else {{ expression }}
    end
{%- endmacro %}
