{#- A Parquet identifier value (SQL expression `expression`) as trimmed text (NULL when blank),
    or NULL when the file has no such column (`data_type` none). -#}
{% macro _trueup_parquet_text(expression, data_type) -%}
    {%- if data_type -%}
        {{ trueup_trimmed_text('cast(' ~ expression ~ ' as varchar)') }}
    {%- else -%}
        cast(null as varchar)
    {%- endif -%}
{%- endmacro %}
