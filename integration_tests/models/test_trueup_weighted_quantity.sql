with

inputs as (
    select * from {{ ref('data_trueup_weighted_quantity') }}
),

final as (
    select
        quantity,
        sample_rate,
        {{ trueup_weighted_quantity(
            'cast(quantity as decimal(38, 9))', 'cast(sample_rate as decimal(38, 18))'
        ) }} as actual,
        cast(expected as decimal(38, 9)) as expected
    from inputs
)

select * from final
