{#- trueup_price_line_tiers over the line × tier rows of the seed, with the types the pricing
    model gives them; one row per line, compared as the text of usage_amount,
    prorated_flat_fee and expected_amount (so that another type or scale counts as wrong). This
    also proves the private tier helpers it calls (macros/pricing/). -#}
with

inputs as (
    select * from {{ ref('data_trueup_price_line_tiers') }}
),

line_tiers as (
    select
        cast(case_id as integer) as case_id,
        pricing_model,
        cast(quantity as decimal(38, 9)) as quantity,
        cast(tier as integer) as tier,
        cast(lower_bound as decimal(38, 9)) as lower_bound,
        cast(nullif(up_to, '') as decimal(38, 9)) as up_to,
        cast(unit_price as decimal(38, 9)) as unit_price,
        cast(flat_fee as decimal(38, 9)) as flat_fee,
        cast(nullif(package_size, '') as decimal(38, 9)) as package_size,
        cast(nullif(free_quantity, '') as decimal(38, 9)) as free_quantity,
        cast(segment_days as integer) as segment_days,
        cast(period_days as integer) as period_days,
        cast(discount_pct as decimal(38, 4)) as discount_pct
    from inputs
),

priced as (
    {{ trueup_price_line_tiers('line_tiers', ['case_id']) }}
),

expected_per_line as (
    select distinct
        cast(case_id as integer) as case_id,
        expected
    from inputs
),

final as (
    select
        expected_per_line.case_id,
        cast(priced.usage_amount as varchar)
        || '|' || cast(priced.prorated_flat_fee as varchar)
        || '|' || cast(priced.expected_amount as varchar) as actual,
        expected_per_line.expected
    from expected_per_line
    left join priced on expected_per_line.case_id = priced.case_id
)

select * from final
