{#- Reference-data rule: the column is set (not null, not blank) in every row. Fails naming
    every seed row where it is missing. -#}
{% test seed_value_present(model, column_name) %}
{%- set failures -%}
    select {{ trueup_seed_row_label(model) }} || ': {{ column_name }} is empty' as message
    from {{ model }}
    where {{ column_name }} is null or trim(cast({{ column_name }} as varchar)) = ''
{%- endset -%}
{{ trueup_fail_with_messages(failures, trueup_seed_name(model) ~ '.' ~ column_name ~ ' required') }}
{% endtest %}
