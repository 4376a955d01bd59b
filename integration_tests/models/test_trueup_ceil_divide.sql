with

inputs as (
    select * from {{ ref('data_trueup_ceil_divide') }}
),

final as (
    select
        numerator,
        denominator,
        {{ trueup_ceil_divide(
            'cast(numerator as decimal(38, 9))', 'cast(denominator as decimal(38, 9))'
        ) }} as actual,
        cast(expected as decimal(38, 0)) as expected
    from inputs
)

select * from final
