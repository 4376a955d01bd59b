{#- A whole-number var (hours, minutes, days) of at least `minimum`. Stops the run with a clear
    message when the value is anything else; `alternative` names another accepted value that the
    caller handles itself (for the message only). -#}
{% macro trueup_int_var(name, minimum=0, alternative=none) -%}
    {%- set raw = var(name) -%}
    {%- set text = raw | string | trim -%}
    {%- if raw is boolean or raw is none or modules.re.match('^[0-9]{1,9}$', text) is none
        or text | int < minimum -%}
        {{ exceptions.raise_compiler_error(
            "Invalid var " ~ name ~ "='" ~ text ~ "': expected a whole number >= " ~ minimum
            ~ (", or " ~ alternative if alternative else "") ~ ".") }}
    {%- endif -%}
    {{ return(text | int) }}
{%- endmacro %}
