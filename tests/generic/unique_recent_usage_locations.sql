{#- The usage records of `model` are unique over `combination_of_columns` among the records the
    history-wide usage checks look at in this build (trueup_usage_check_window: the recent ones
    when var usage_check_window_days is set, every record after a build that recomputed
    `rollup` from every record). `rollup` is ref('int_usage_daily_rolled_up'), passed as an
    argument so that dbt sees the test's dependency on it. Fails with one row per repeated key,
    showing the key and how often it occurs. -#}
{% test unique_recent_usage_locations(model, combination_of_columns, rollup) %}

with

keyed as (
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as occurrences
    from {{ model }}
    where {{ trueup_usage_check_window(model, rollup) }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
)

select * from keyed

{% endtest %}
