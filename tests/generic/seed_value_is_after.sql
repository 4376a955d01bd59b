{#- Reference-data rule: the column, where set, is later than `other_column` of the same row.
    Fails naming every offending seed row and both values. -#}
{% test seed_value_is_after(model, column_name, other_column) %}
{%- set failures -%}
    select
        {{ trueup_seed_row_label(model) }} || ': {{ column_name }} '
        || cast({{ column_name }} as varchar) || ' is not after {{ other_column }} '
        || cast({{ other_column }} as varchar) as message
    from {{ model }}
    where {{ column_name }} is not null and {{ column_name }} <= {{ other_column }}
{%- endset -%}
{{ trueup_fail_with_messages(failures, trueup_seed_name(model) ~ '.' ~ column_name ~ ' order') }}
{% endtest %}
