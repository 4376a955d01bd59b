{#- What an incremental usage model has already processed, read from `relation` (the model
    itself: `{{ this }}`): the latest as_of it ran at and the latest staging load it
    took records from (column `loaded_column`). Empty dict when the relation does not exist or
    has no rows yet. -#}
{% macro _trueup_usage_state(relation, loaded_column='loaded_at') -%}
    {%- if not execute or relation is none -%}
        {{ return({}) }}
    {%- endif -%}
    {%- set query -%}
        select
            strftime(max(processed_as_of), '%Y-%m-%d %H:%M:%S.%f'),
            strftime(max({{ loaded_column }}), '%Y-%m-%d %H:%M:%S.%f')
        from {{ relation }}
    {%- endset -%}
    {%- set row = run_query(query).rows[0] -%}
    {%- if row[0] is none -%}
        {{ return({}) }}
    {%- endif -%}
    {{ return({'as_of': row[0], 'loaded_at': row[1]}) }}
{%- endmacro %}
