{#- A Parquet time value as a UTC timestamp: TIMESTAMP columns are UTC already, TIMESTAMP WITH
    TIME ZONE is converted, VARCHAR is parsed as RFC 3339; anything else (or an absent column)
    is NULL, i.e. unreadable. -#}
{% macro _trueup_parquet_timestamp(expression, data_type) -%}
    {%- set base = (data_type or '') -%}
    {%- if base in ['TIMESTAMP', 'TIMESTAMP_NS', 'TIMESTAMP_MS', 'TIMESTAMP_S'] -%}
        cast({{ expression }} as timestamp)
    {%- elif base == 'TIMESTAMP WITH TIME ZONE' -%}
        timezone('UTC', {{ expression }})
    {%- elif base == 'VARCHAR' -%}
        {{ trueup_parse_utc_timestamp(trueup_trimmed_text(expression)) }}
    {%- else -%}
        cast(null as timestamp)
    {%- endif -%}
{%- endmacro %}
