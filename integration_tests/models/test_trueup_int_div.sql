{%- set int128 = trueup_type_bigint128() -%}

with

inputs as (
    select * from {{ ref('data_trueup_int_div') }}
),

final as (
    select
        numerator,
        denominator,
        {{ trueup_int_div(
            'cast(numerator as ' ~ int128 ~ ')', 'cast(denominator as ' ~ int128 ~ ')'
        ) }} as actual,
        cast(expected as {{ int128 }}) as expected
    from inputs
)

select * from final
