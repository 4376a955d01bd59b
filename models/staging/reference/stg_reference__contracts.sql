{#- Contract versions from the `contracts` seed, typed, with the seed's empty fields given
    their meaning: no discount is 0 %, no commitment is NULL, no end date is open-ended. -#}

with

contracts as (
    select * from {{ ref('contracts') }}
),

final as (
    select
        trim(contract_id) as contract_id,
        trim(tenant_id) as tenant_id,
        cast(contract_version as integer) as contract_version,
        cast(effective_from as date) as effective_from,
        cast(effective_to as date) as effective_to,
        upper(trim(currency)) as currency,
        cast(coalesce(discount_pct, 0) as decimal(9, 4)) as discount_pct,
        cast(minimum_commitment as decimal(38, 9)) as minimum_commitment
    from contracts
)

select * from final
