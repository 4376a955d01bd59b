{#- Metered usage per period × tenant × meter, with whether any of it is unpriced (no contract
    version in force, or a meter missing from the version's rate card): the usage side of the
    true-up. Keys: every metered key and every unpriced key of any period. -#}

with

usage_days as (
    select * from {{ ref('int_usage_daily_metered') }}
),

unpriced as (
    select * from {{ ref('int_usage_unpriced') }}
),

metered as (
    select
        cast({{ dbt.date_trunc('month', 'usage_date') }} as date) as period_start,
        tenant_id,
        meter,
        {{ trueup_meter_quantity('aggregation', 'quantity') }} as metered_quantity
    from usage_days
    group by cast({{ dbt.date_trunc('month', 'usage_date') }} as date), tenant_id, meter
),

unpriced_keys as (
    select
        period_start,
        tenant_id,
        meter,
        max(case when unpriced_status = 'no_contract' then 1 else 0 end) = 1 as has_no_contract,
        max(case when unpriced_status = 'unpriced_meter' then 1 else 0 end) = 1
            as has_unpriced_meter
    from unpriced
    group by period_start, tenant_id, meter
),

final as (
    select
        {{ trueup_coalesced_keys('metered', 'unpriced_keys', trueup_variance_keys()) }},
        metered.metered_quantity,
        unpriced_keys.meter is not null as is_unpriced,
        coalesce(unpriced_keys.has_no_contract, false) as has_no_contract,
        coalesce(unpriced_keys.has_unpriced_meter, false) as has_unpriced_meter
    from metered
    full outer join unpriced_keys
        on {{ trueup_keys_match('metered', 'unpriced_keys', trueup_variance_keys()) }}
)

select * from final
