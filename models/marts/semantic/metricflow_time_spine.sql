{#- MetricFlow's time spine: one row per day from 2020-01-01 through 2040-12-31, the range
    the billing periods of this project fall in (test assert_time_spine_covers_periods fails
    a build whose reported periods leave it: widen the bounds then). dbt.date_spine is
    portable across DuckDB, PostgreSQL and Spark. -#}

with

days as (
    {{ dbt.date_spine(
        datepart='day',
        start_date="cast('2020-01-01' as date)",
        end_date="cast('2041-01-01' as date)"
    ) }}
),

final as (
    select cast(date_day as date) as date_day
    from days
)

select * from final
