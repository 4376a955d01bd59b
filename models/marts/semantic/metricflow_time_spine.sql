{#- MetricFlow's time spine: one row per day of the accepted time range (trueup_time_range:
    2000-01-01 through 2099-12-31). Usage records and billing lines dated outside it are
    quarantined or unmapped, so every reported period lies inside it (test
    assert_time_spine_covers_periods). dbt.date_spine is portable across DuckDB, PostgreSQL
    and Spark. -#}
{%- set range = trueup_time_range() %}

with

days as (
    {{ dbt.date_spine(
        datepart='day',
        start_date="cast('" ~ range.start ~ "' as date)",
        end_date="cast('" ~ range.end ~ "' as date)"
    ) }}
),

final as (
    select cast(date_day as date) as date_day
    from days
)

select * from final
