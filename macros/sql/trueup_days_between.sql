{#- Whole days from start_date to end_date (end exclusive) as an integer. -#}
{% macro trueup_days_between(start_date, end_date) -%}
    {{ return(adapter.dispatch('trueup_days_between', 'trueup')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__trueup_days_between(start_date, end_date) -%}
    cast({{ end_date }} - {{ start_date }} as integer)
{%- endmacro %}
