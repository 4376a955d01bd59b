{#- The build's start time (UTC) as a SQL timestamp: stamps the rows a build loads or processes,
    so that the next build knows what it has already seen. -#}
{% macro trueup_run_stamp_sql() -%}
    cast('{{ run_started_at.astimezone(modules.pytz.utc).strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}
