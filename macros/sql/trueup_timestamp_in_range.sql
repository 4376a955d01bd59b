{#- True when a timestamp lies in the accepted time range (trueup_time_range: from 2000-01-01
    inclusive to 2100-01-01 exclusive, UTC); NULL when the timestamp is NULL. -#}
{% macro trueup_timestamp_in_range(expression) -%}
    {%- set range = trueup_time_range() -%}
    ({{ expression }} >= cast('{{ range.start }}' as timestamp)
        and {{ expression }} < cast('{{ range.end }}' as timestamp))
{%- endmacro %}
