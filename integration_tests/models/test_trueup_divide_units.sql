{#- The general form on every row, the one-division form (small_numerator=true) on the rows
    where 2 × numerator + denominator and 2 × denominator stay below 10^38 (the caller's
    guarantee it needs). -#}
{%- set int128 = trueup_type_bigint128() -%}
{%- set numerator = 'cast(numerator as ' ~ int128 ~ ')' -%}
{%- set denominator = 'cast(denominator as ' ~ int128 ~ ')' -%}
{#- the one-division form sees only its rows: DuckDB may evaluate it before the filter -#}
{%- set own_rows = "cast(case when small_numerator = 'true' then %s end as " ~ int128 ~ ")" -%}

with

inputs as (
    select * from {{ ref('data_trueup_divide_units') }}
),

general_form as (
    select
        numerator,
        denominator,
        'general' as form,
        {{ trueup_divide_units(numerator, denominator) }} as actual,
        cast(expected as {{ int128 }}) as expected
    from inputs
),

one_division_form as (
    select
        numerator,
        denominator,
        'small_numerator' as form,
        {{ trueup_divide_units(
            own_rows | format('numerator'), own_rows | format('denominator'), small_numerator=true
        ) }} as actual,
        cast(expected as {{ int128 }}) as expected
    from inputs
    where small_numerator = 'true'
),

final as (
    select * from general_form
    union all
    select * from one_division_form
)

select * from final
