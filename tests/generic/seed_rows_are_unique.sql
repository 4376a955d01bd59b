{#- Reference-data rule: no two rows share the values of `combination_of_columns`. Fails naming
    every repeated key and how often it occurs. -#}
{% test seed_rows_are_unique(model, combination_of_columns) %}
{%- set failures -%}
    select
        {{ trueup_seed_row_label(model, fallback=combination_of_columns) }}
        || ': {{ combination_of_columns | join(", ") }} occur together '
        || cast(count(*) as varchar) || ' times (must be unique)' as message
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
{%- endset -%}
{{ trueup_fail_with_messages(failures, trueup_seed_name(model) ~ ' unique rows') }}
{% endtest %}
