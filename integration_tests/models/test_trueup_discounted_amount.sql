with

inputs as (
    select * from {{ ref('data_trueup_discounted_amount') }}
),

final as (
    select
        amount,
        discount_pct,
        {{ trueup_discounted_amount(
            'cast(amount as decimal(38, 18))', 'cast(discount_pct as decimal(9, 4))'
        ) }} as actual,
        cast(expected as decimal(38, 2)) as expected
    from inputs
)

select * from final
