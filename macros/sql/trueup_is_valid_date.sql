{#- True when `text` is a calendar date written YYYY-MM-DD (year 0001-9999, a month 01-12 and a
    day that month has, leap years included), false otherwise (2026-02-30, 2026-13-01, 2026-1-5).
    Jinja cannot catch a failed conversion, so folders and vars are checked with this before
    anything casts them. -#}
{% macro trueup_is_valid_date(text) -%}
    {%- set found = modules.re.fullmatch('([0-9]{4})-([0-9]{2})-([0-9]{2})', text | string) -%}
    {%- if found is none -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set year = found.group(1) | int -%}
    {%- set month = found.group(2) | int -%}
    {%- set day = found.group(3) | int -%}
    {%- set leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 -%}
    {%- set month_days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
    {{ return(year >= 1 and 1 <= month <= 12 and 1 <= day <= month_days[month - 1]) }}
{%- endmacro %}
