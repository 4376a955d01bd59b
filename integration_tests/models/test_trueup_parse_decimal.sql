with

inputs as (
    select * from {{ ref('data_trueup_parse_decimal') }}
),

final as (
    select
        text,
        {{ trueup_parse_decimal('text', 9) }} as actual,
        cast(expected as decimal(38, 9)) as expected
    from inputs
)

select * from final
