with

inputs as (
    select * from {{ ref('data_trueup_discounted_prorated_amount') }}
),

final as (
    select
        usage_amount,
        flat_fee,
        segment_days,
        period_days,
        discount_pct,
        {{ trueup_discounted_prorated_amount(
            'cast(usage_amount as decimal(38, 18))',
            'cast(flat_fee as decimal(38, 18))',
            'cast(segment_days as integer)',
            'cast(period_days as integer)',
            'cast(discount_pct as decimal(9, 4))'
        ) }} as actual,
        cast(expected as decimal(38, 2)) as expected
    from inputs
)

select * from final
