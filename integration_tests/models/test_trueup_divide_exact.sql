with

inputs as (
    select * from {{ ref('data_trueup_divide_exact') }}
),

final as (
    select
        numerator,
        denominator,
        {{ trueup_divide_exact(
            'cast(numerator as decimal(38, 18))', 'cast(denominator as integer)'
        ) }} as actual,
        cast(expected as decimal(38, 18)) as expected
    from inputs
)

select * from final
