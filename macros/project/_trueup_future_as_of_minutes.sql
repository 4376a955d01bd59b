{#- How far (minutes) `as_of` may lie after the wall clock (the run's start time) without the
    opt-in var `allow_future_as_of`: room for a scheduler whose clock runs a little ahead, not
    for a mistyped year (a far-future as_of would close and book every period up to it). -#}
{% macro _trueup_future_as_of_minutes() -%}
    {{ return(60) }}
{%- endmacro %}
