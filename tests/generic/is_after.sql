{#- The column, where set, is later than `other_column` of the same row. -#}
{% test is_after(model, column_name, other_column) %}

select *
from {{ model }}
where {{ column_name }} is not null and {{ column_name }} <= {{ other_column }}

{% endtest %}
