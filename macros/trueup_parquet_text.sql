{#- A Parquet identifier column as trimmed text (NULL when blank), or NULL when the file has
    no such column. `columns` maps the file's column names to their types. -#}
{% macro trueup_parquet_text(column, columns) -%}
    {%- if column in columns -%}
        {{ trueup_trimmed_text('cast(landed_row.' ~ adapter.quote(column) ~ ' as varchar)') }}
    {%- else -%}
        cast(null as varchar)
    {%- endif -%}
{%- endmacro %}
