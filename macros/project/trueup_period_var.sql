{#- The billing period named by var `name` as its first day, text 'YYYY-MM-01'. The var may
    be the month (YYYY-MM) or any date in it (YYYY-MM-DD); anything else (2026-13,
    2026-02-30, a quote) stops the compile with an error naming the var and what it expects.
    Returns none when the var is not set. -#}
{% macro trueup_period_var(name) -%}
    {%- set value = var(name, none) -%}
    {%- if value is none or (value | string | trim) == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set text = value | string | trim -%}
    {%- set day = text ~ '-01' if text | length == 7 else text -%}
    {%- if not trueup_is_valid_date(day) -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ name ~ " expects a period: its month YYYY-MM or a date YYYY-MM-DD in it"
            ~ " (e.g. 2026-09 or 2026-09-01); got '" ~ text ~ "'.") }}
    {%- endif -%}
    {{ return(day[:8] ~ '01') }}
{%- endmacro %}
