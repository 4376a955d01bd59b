{#- The model's rows are unique over a set of columns (a compound primary key).
    Fails with one row per repeated key, showing the key and how often it occurs.
    `usage_check_rollup`, for staged usage records: ref('int_usage_daily_rolled_up'), passed as
    an argument so that dbt sees the dependency; the check then looks only at the records the
    history-wide usage checks look at in this build (trueup_usage_check_window: the recent ones
    when var usage_check_window_days is set, every record after a build that recomputed the
    rollup from every record). -#}
{% test unique_combination_of_columns(model, combination_of_columns, usage_check_rollup=none) %}

with

keyed as (
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as occurrences
    from {{ model }}
    {%- if usage_check_rollup is not none %}
    where {{ trueup_usage_check_window(model, usage_check_rollup) }}
    {%- endif %}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
)

select * from keyed

{% endtest %}
