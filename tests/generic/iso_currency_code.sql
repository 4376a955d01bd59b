{#- The column holds a three-letter ISO 4217 style code (letters only, any case). -#}
{% test iso_currency_code(model, column_name) %}

select *
from {{ model }}
where {{ column_name }} is not null
    and not regexp_full_match({{ column_name }}, '[A-Za-z]{3}')

{% endtest %}
