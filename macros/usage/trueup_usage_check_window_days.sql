{#- The window of the history-wide usage checks, from var `usage_check_window_days`: none (every
    record, whatever its age) or a whole number of days >= 1. Stops the run with a clear message
    for anything else. -#}
{% macro trueup_usage_check_window_days() -%}
    {%- set raw = var('usage_check_window_days', none) -%}
    {%- if raw is none or (raw is string and raw | trim | lower in ('', 'none', 'null', 'all')) -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(trueup_int_var('usage_check_window_days', 1, 'null to check every record')) }}
{%- endmacro %}
