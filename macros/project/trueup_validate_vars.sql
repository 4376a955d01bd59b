{#- on-run-start: check every run-time var before any model is built, and log what is in force.
    Also stops the run before any model when as_of lies in the future (beyond a small tolerance,
    unless allow_future_as_of is true) or when the landing root does not exist, and warns about
    vars passed with --vars that the project does not know (_trueup_warn_unknown_vars). -#}
{% macro trueup_validate_vars() -%}
    {%- set as_of = trueup_as_of() -%}
    {%- set grace = trueup_int_var('grace_period_hours') -%}
    {%- set skew = trueup_int_var('max_clock_skew_minutes') -%}
    {%- set horizon = trueup_int_var('dedupe_horizon_days') -%}
    {%- set landing = trueup_landing_path() -%}
    {%- set window = trueup_usage_check_window_days() -%}
    {%- set allow_future = _trueup_check_future_as_of(as_of) -%}
    {%- if execute -%}
        {{ log("trueup: as_of=" ~ as_of ~ " UTC, grace_period_hours=" ~ grace
            ~ ", max_clock_skew_minutes=" ~ skew ~ ", dedupe_horizon_days=" ~ horizon
            ~ ", landing_path=" ~ landing ~ ", usage_check_window_days="
            ~ (window if window is not none else 'null (every record)')
            ~ ", allow_future_as_of=" ~ (allow_future | lower), info=true) }}
        {%- do _trueup_warn_unknown_vars() -%}
        {%- do _trueup_check_landing_root() -%}
    {%- endif -%}
{%- endmacro %}
