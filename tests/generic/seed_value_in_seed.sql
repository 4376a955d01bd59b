{#- Reference-data rule: the column, where set, holds a value of `other_column` of seed `other`
    (or one of `extra_values`, e.g. a pseudo-meter). Fails naming every offending seed row and
    its value. -#}
{% test seed_value_in_seed(model, column_name, other, other_column, extra_values=[]) %}
{%- set failures -%}
    select
        {{ trueup_seed_row_label(model) }} || ': {{ column_name }} '''
        || cast({{ column_name }} as varchar) || ''' is not in {{ other }}.csv'
        {%- if extra_values %}
        || ' (nor one of {{ extra_values | join(", ") | replace("'", "''") }})'
        {%- endif %} as message
    from {{ model }}
    where {{ column_name }} is not null
        and cast({{ column_name }} as varchar) not in (
            select cast({{ other_column }} as varchar) from {{ ref(other) }}
            where {{ other_column }} is not null
        )
        {%- if extra_values %}
        and cast({{ column_name }} as varchar) not in ({{ trueup_string_list(extra_values) }})
        {%- endif %}
{%- endset -%}
{{ trueup_fail_with_messages(failures, trueup_seed_name(model) ~ '.' ~ column_name ~ ' known values') }}
{% endtest %}
