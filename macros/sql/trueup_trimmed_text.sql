{#- Text without leading and trailing white space of any kind (trueup_white_space: tab, line
    breaks, form feed, Unicode spaces such as U+00A0 and U+3000), NULL when nothing is left. -#}
{% macro trueup_trimmed_text(expression) -%}
    {{ return(adapter.dispatch('trueup_trimmed_text', 'trueup')(expression)) }}
{%- endmacro %}

{% macro default__trueup_trimmed_text(expression) -%}
    nullif(trim(both {{ trueup_white_space() }} from {{ expression }}), '')
{%- endmacro %}

{#- DuckDB's trim copies every string it returns; most values have nothing to trim and pass
    through as they are: at 10M Parquet records, trimming five text fields took 0.37 s
    instead of 0.88 s. Only a value that is empty or starts or ends with a white-space
    character is trimmed. -#}
{% macro duckdb__trueup_trimmed_text(expression) -%}
    case
        when {{ expression }} = ''
            or contains({{ trueup_white_space() }}, left({{ expression }}, 1))
            or contains({{ trueup_white_space() }}, right({{ expression }}, 1))
            then nullif(trim({{ expression }}, {{ trueup_white_space() }}), '')
        else {{ expression }}
    end
{%- endmacro %}
