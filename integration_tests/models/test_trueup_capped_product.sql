with

inputs as (
    select * from {{ ref('data_trueup_capped_product') }}
),

final as (
    select
        multiplicand,
        multiplier,
        cap,
        {{ trueup_capped_product(
            'cast(multiplicand as decimal(38, 9))',
            'cast(multiplier as decimal(38, 9))',
            'cast(cap as decimal(38, 9))'
        ) }} as actual,
        cast(expected as decimal(38, 18)) as expected
    from inputs
)

select * from final
