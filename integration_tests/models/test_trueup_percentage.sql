with

inputs as (
    select * from {{ ref('data_trueup_percentage') }}
),

final as (
    select
        numerator,
        denominator,
        {{ trueup_percentage(
            'cast(numerator as decimal(38, 15))', 'cast(denominator as decimal(38, 15))'
        ) }} as actual,
        cast(expected as decimal(38, 4)) as expected
    from inputs
)

select * from final
