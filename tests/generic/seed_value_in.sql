{#- Reference-data rule: the column, where set, holds one of `values` (compared exactly). Fails
    naming every offending seed row, its value and the allowed ones. -#}
{% test seed_value_in(model, column_name, values) %}
{%- set failures -%}
    select
        {{ trueup_seed_row_label(model) }} || ': {{ column_name }} '''
        || cast({{ column_name }} as varchar)
        || ''' is not one of {{ values | join(", ") | replace("'", "''") }}' as message
    from {{ model }}
    where {{ column_name }} is not null
        and cast({{ column_name }} as varchar) not in ({{ trueup_string_list(values) }})
{%- endset -%}
{{ trueup_fail_with_messages(failures, trueup_seed_name(model) ~ '.' ~ column_name ~ ' allowed values') }}
{% endtest %}
