{#- The latest `loaded_at` in `relation` as text for a timestamp literal
    ('YYYY-MM-DD HH:MM:SS.ffffff'), or none when it has no rows. Runs at execute time. -#}
{% macro trueup_latest_load(relation) -%}
    {{ return(run_query(
        "select strftime(max(loaded_at), '%Y-%m-%d %H:%M:%S.%f') from " ~ relation
    ).rows[0][0]) }}
{%- endmacro %}
