{#- Reference-data rule: the column, where set, lies in [min_value, max_value] (max_value none:
    no upper bound). Fails naming every offending seed row and its value. -#}
{% test seed_value_in_range(model, column_name, min_value=0, max_value=none) %}
{%- set failures -%}
    select
        {{ trueup_seed_row_label(model) }} || ': {{ column_name }} '
        || cast({{ column_name }} as varchar)
        || ' is {{ "outside [" ~ min_value ~ ", " ~ max_value ~ "]" if max_value is not none
            else "below " ~ min_value }}' as message
    from {{ model }}
    where {{ column_name }} < {{ min_value }}
    {%- if max_value is not none %}
        or {{ column_name }} > {{ max_value }}
    {%- endif %}
{%- endset -%}
{{ trueup_fail_with_messages(failures, trueup_seed_name(model) ~ '.' ~ column_name ~ ' range') }}
{% endtest %}
