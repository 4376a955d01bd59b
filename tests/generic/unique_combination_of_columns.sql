{#- The model's rows are unique over a set of columns (a compound primary key).
    Fails with one row per repeated key, showing the key and how often it occurs. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with

keyed as (
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as occurrences
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
)

select * from keyed

{% endtest %}
