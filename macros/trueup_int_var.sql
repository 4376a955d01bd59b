{#- A non-negative whole-number var (hours, minutes, days). Stops the run with a clear message
    when the value is anything else. -#}
{% macro trueup_int_var(name) -%}
    {%- set raw = var(name) -%}
    {%- set text = raw | string | trim -%}
    {%- if raw is boolean or raw is none or modules.re.match('^[0-9]{1,9}$', text) is none -%}
        {{ exceptions.raise_compiler_error(
            "Invalid var " ~ name ~ "='" ~ text ~ "': expected a whole number >= 0.") }}
    {%- endif -%}
    {{ return(text | int) }}
{%- endmacro %}
