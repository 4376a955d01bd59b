{#- Every row's `actual` equals its `expected` (NULL only where NULL is expected); the failing
    rows are returned with both values. -#}
{% test actual_equals_expected(model, actual='actual', expected='expected') %}
    select *
    from {{ model }}
    where ({{ actual }} <> {{ expected }})
        or ({{ actual }} is null and {{ expected }} is not null)
        or ({{ actual }} is not null and {{ expected }} is null)
{% endtest %}
