{#- Reference-data rule: no two rows of the seed share the column's value. Fails naming every
    repeated value and how often it occurs. -#}
{% test seed_value_unique(model, column_name) %}
{%- set failures -%}
    select
        {{ trueup_seed_row_label(model, fallback=[column_name]) }}
        || ': {{ column_name }} occurs ' || cast(count(*) as varchar)
        || ' times (must be unique)' as message
    from {{ model }}
    group by {{ column_name }}
    having count(*) > 1
{%- endset -%}
{{ trueup_fail_with_messages(failures, trueup_seed_name(model) ~ '.' ~ column_name ~ ' unique') }}
{% endtest %}
