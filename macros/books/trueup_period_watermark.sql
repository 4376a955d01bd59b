{#- The watermark of the billing period starting on `period_start` (a date): the first
    instant of the next month + grace_period_hours, as a UTC timestamp. Usage ingested after
    it is late; the first build whose as_of reaches it closes the period. -#}
{% macro trueup_period_watermark(period_start) -%}
    {{ dbt.dateadd(
        'hour',
        trueup_int_var('grace_period_hours'),
        'cast(' ~ dbt.dateadd('month', 1, 'cast(' ~ period_start ~ ' as timestamp)') ~ ' as timestamp)'
    ) }}
{%- endmacro %}
