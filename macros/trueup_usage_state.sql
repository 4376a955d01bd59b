{#- What an incremental usage model has already processed: the latest as_of it ran at and the
    latest staging load it took rows from. Empty dict when the relation has no rows yet. -#}
{% macro trueup_usage_state(relation) -%}
    {%- if not execute -%}
        {{ return({}) }}
    {%- endif -%}
    {%- set query -%}
        select
            strftime(max(processed_as_of), '%Y-%m-%d %H:%M:%S.%f'),
            strftime(max(loaded_at), '%Y-%m-%d %H:%M:%S.%f')
        from {{ relation }}
    {%- endset -%}
    {%- set row = run_query(query).rows[0] -%}
    {%- if row[0] is none -%}
        {{ return({}) }}
    {%- endif -%}
    {{ return({'as_of': row[0], 'loaded_at': row[1]}) }}
{%- endmacro %}
