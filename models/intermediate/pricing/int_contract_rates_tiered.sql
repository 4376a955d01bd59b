{#- Rate-card tiers with the quantity range each covers: (lower_bound, up_to], lower_bound
    being the previous tier's up_to (0 for tier 1). -#}

with

rates as (
    select * from {{ ref('stg_reference__contract_rates') }}
),

final as (
    select
        contract_id,
        contract_version,
        meter,
        pricing_model,
        tier,
        coalesce(
            lag(up_to) over (
                partition by contract_id, contract_version, meter order by tier
            ),
            cast(0 as decimal(38, 9))
        ) as lower_bound,
        up_to,
        unit_price,
        flat_fee,
        package_size,
        free_quantity
    from rates
)

select * from final
