{#- Reference-data rule: the column, where set, is a three-letter ISO 4217 style code (letters
    only, any case). Fails naming every offending seed row and its value. -#}
{% test seed_currency_code(model, column_name) %}
{%- set failures -%}
    select
        {{ trueup_seed_row_label(model) }} || ': {{ column_name }} '''
        || {{ column_name }} || ''' is not a three-letter currency code' as message
    from {{ model }}
    where {{ column_name }} is not null
        and not (
            length({{ column_name }}) = 3
        {%- for position in [1, 2, 3] %}
            and upper(substr({{ column_name }}, {{ position }}, 1)) between 'A' and 'Z'
        {%- endfor %}
        )
{%- endset -%}
{{ trueup_fail_with_messages(failures, trueup_seed_name(model) ~ '.' ~ column_name ~ ' currency') }}
{% endtest %}
