{#- A true/false var: a YAML boolean, or the text true / false (any case). Stops the run with a
    clear message when the value is anything else. -#}
{% macro _trueup_bool_var(name, default=false) -%}
    {%- set raw = var(name, default) -%}
    {%- if raw is boolean -%}
        {{ return(raw) }}
    {%- endif -%}
    {%- set text = (raw if raw is not none else '') | string | trim | lower -%}
    {%- if text in ('true', 'false') -%}
        {{ return(text == 'true') }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error(
        "Invalid var " ~ name ~ "='" ~ raw ~ "': expected true or false.") }}
{%- endmacro %}
