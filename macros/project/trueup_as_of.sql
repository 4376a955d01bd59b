{#- The logical "now" of a build (var `as_of`), as a UTC timestamp string
    'YYYY-MM-DD HH:MM:SS.ffffff'. Accepts a date or a timestamp; a timestamp without an offset
    is UTC. Empty: the run's start time. Anything else stops the run before a model is built. -#}
{% macro trueup_as_of() -%}
    {%- set raw = var('as_of', none) -%}
    {%- if raw is none or (raw | string | trim) == '' -%}
        {{ return(run_started_at.astimezone(modules.pytz.utc).strftime('%Y-%m-%d %H:%M:%S.%f')) }}
    {%- endif -%}
    {%- set text = raw | string | trim -%}
    {%- set pattern = '^(\\d{4})-(\\d{2})-(\\d{2})'
        ~ '(?:[Tt ](\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,6}))?)?'
        ~ '(?:([Zz])|([+-])(\\d{2}):?(\\d{2}))?)?$' -%}
    {%- set m = modules.re.match(pattern, text) -%}
    {%- set expected = "a date (YYYY-MM-DD) or a UTC timestamp (YYYY-MM-DD HH:MM[:SS[.ffffff]],"
        ~ " 'T' allowed, optional Z or +HH:MM offset)" -%}
    {%- if m is none -%}
        {{ exceptions.raise_compiler_error(
            "Invalid var as_of='" ~ text ~ "': expected " ~ expected ~ ".") }}
    {%- endif -%}
    {%- set g = m.groups() -%}
    {%- set year = g[0] | int -%}
    {%- set month = g[1] | int -%}
    {%- set day = g[2] | int -%}
    {%- set hour = (g[3] or '0') | int -%}
    {%- set minute = (g[4] or '0') | int -%}
    {%- set second = (g[5] or '0') | int -%}
    {%- set micro = ((g[6] or '') ~ '000000')[:6] | int -%}
    {%- set ok = year >= 1 and month >= 1 and month <= 12 and day >= 1
        and hour <= 23 and minute <= 59 and second <= 59 -%}
    {%- if ok -%}
        {%- set first_next = modules.datetime.date(year, month, 28)
            + modules.datetime.timedelta(days=4) -%}
        {%- set last_day = (first_next.replace(day=1) - modules.datetime.timedelta(days=1)).day -%}
        {%- set ok = day <= last_day -%}
    {%- endif -%}
    {%- if ok and g[8] is not none -%}
        {%- set ok = (g[9] | int) <= 23 and (g[10] | int) <= 59 -%}
    {%- endif -%}
    {%- if not ok -%}
        {{ exceptions.raise_compiler_error(
            "Invalid var as_of='" ~ text ~ "': not a real calendar date/time; expected "
            ~ expected ~ ".") }}
    {%- endif -%}
    {%- set value = modules.datetime.datetime(year, month, day, hour, minute, second, micro) -%}
    {%- if g[8] is not none -%}
        {%- set offset = modules.datetime.timedelta(hours=g[9] | int, minutes=g[10] | int) -%}
        {%- set value = value - offset if g[8] == '+' else value + offset -%}
    {%- endif -%}
    {{ return(value.strftime('%Y-%m-%d %H:%M:%S.%f')) }}
{%- endmacro %}
