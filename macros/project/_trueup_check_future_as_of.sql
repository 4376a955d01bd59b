{#- Stops the run when `as_of` is later than the wall clock (the run's start time, UTC) by more
    than _trueup_future_as_of_minutes(), unless var `allow_future_as_of` is true (simulations and
    tests). Called by the on-run-start hook, so nothing is built, closed or booked. -#}
{% macro _trueup_check_future_as_of(as_of) -%}
    {%- set allowed = _trueup_bool_var('allow_future_as_of') -%}
    {%- set tolerance = _trueup_future_as_of_minutes() -%}
    {%- set now = run_started_at.astimezone(modules.pytz.utc).replace(tzinfo=none) -%}
    {%- set value = modules.datetime.datetime.strptime(as_of, '%Y-%m-%d %H:%M:%S.%f') -%}
    {%- set lead = value - now -%}
    {%- if not allowed and lead > modules.datetime.timedelta(minutes=tolerance) -%}
        {{ exceptions.raise_compiler_error(
            "Invalid var as_of='" ~ as_of ~ "': it is later than the wall clock ("
            ~ now.strftime('%Y-%m-%d %H:%M:%S') ~ " UTC) by " ~ lead.days ~ " days "
            ~ ((lead.seconds // 3600) | string) ~ " h, more than the " ~ tolerance
            ~ " minutes allowed. A future as_of would close and book every period up to it."
            ~ " Fix the date, or pass allow_future_as_of: true for a simulation.") }}
    {%- endif -%}
    {{ return(allowed) }}
{%- endmacro %}
