{#- Every value of the column (in the rows where `from_condition` holds) is a value of `field`
    in `to` among its rows where `to_condition` holds: dbt's relationships test with a filter on
    each side (as dbt-utils' relationships_where), e.g. a quarantine reason of the usage stage.
    Returns each offending value with how many rows have it. -#}
{% test relationships_where(model, column_name, to, field, from_condition='true', to_condition='true') %}
select
    {{ column_name }} as value,
    count(*) as rows_with_value
from {{ model }}
where {{ column_name }} is not null
    and ({{ from_condition }})
    and {{ column_name }} not in (
        select {{ field }}
        from {{ to }}
        where {{ field }} is not null and ({{ to_condition }})
    )
group by {{ column_name }}
{% endtest %}
