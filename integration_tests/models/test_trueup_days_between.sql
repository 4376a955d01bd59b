with

inputs as (
    select * from {{ ref('data_trueup_days_between') }}
),

final as (
    select
        start_date,
        end_date,
        {{ trueup_days_between('cast(start_date as date)', 'cast(end_date as date)') }} as actual,
        cast(expected as integer) as expected
    from inputs
)

select * from final
