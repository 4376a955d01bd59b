{#- dbt's hook for the `where` config of generic tests (see dbt's docs on `where`), extended
    with one placeholder: `__usage_check_window__` becomes trueup_usage_check_window over the
    tested relation, so a test over all staged records looks only at the recent ones when
    usage_check_window_days is set. Without the placeholder this is dbt's own behaviour. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- if '__usage_check_window__' in where -%}
            {%- set where = where | replace(
                '__usage_check_window__', trueup_usage_check_window(relation)) -%}
        {%- endif -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- else -%}
        {{ return(relation) }}
    {%- endif -%}
{%- endmacro %}
