{#- Every reported billing period lies inside MetricFlow's time spine (metricflow_time_spine):
    a period outside it would be missing from metric queries that join to the spine. -#}

with

periods as (
    select * from {{ ref('int_periods_reported') }}
),

spine as (
    select * from {{ ref('metricflow_time_spine') }}
),

uncovered as (
    select periods.period_start
    from periods
    left join spine on periods.period_start = spine.date_day
    where spine.date_day is null
)

select * from uncovered
