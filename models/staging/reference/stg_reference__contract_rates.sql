{#- Rate-card tiers from the `contract_rates` seed, typed; an empty flat fee is 0 and an empty
    free quantity is 0; an empty up_to is the unbounded last tier. -#}

with

rates as (
    select * from {{ ref('contract_rates') }}
),

final as (
    select
        trim(contract_id) as contract_id,
        cast(contract_version as integer) as contract_version,
        trim(meter) as meter,
        lower(trim(pricing_model)) as pricing_model,
        cast(tier as integer) as tier,
        cast(up_to as decimal(38, 9)) as up_to,
        cast(unit_price as decimal(38, 9)) as unit_price,
        cast(coalesce(flat_fee, 0) as decimal(38, 9)) as flat_fee,
        cast(package_size as decimal(38, 9)) as package_size,
        cast(coalesce(free_quantity, 0) as decimal(38, 9)) as free_quantity
    from rates
)

select * from final
