{#- Metered usage that no contract prices, per period × tenant × meter, kept visible for the
    variance step: days when the tenant has no contract version in force (`no_contract`), or
    when the meter is missing from the rate card of the version in force (`unpriced_meter`). -#}

with

usage_days as (
    select * from {{ ref('int_usage_daily_metered') }}
),

contracts as (
    select * from {{ ref('stg_reference__contracts') }}
),

rate_card_meters as (
    select distinct
        contract_id,
        contract_version,
        meter
    from {{ ref('stg_reference__contract_rates') }}
),

classified_days as (
    select
        usage_days.tenant_id,
        usage_days.meter,
        usage_days.usage_date,
        usage_days.aggregation,
        usage_days.quantity,
        usage_days.event_count,
        contracts.contract_id,
        contracts.contract_version,
        case
            when contracts.contract_id is null then 'no_contract'
            when rate_card_meters.meter is null then 'unpriced_meter'
        end as unpriced_status
    from usage_days
    left join contracts
        on usage_days.tenant_id = contracts.tenant_id
        and usage_days.usage_date >= contracts.effective_from
        and (contracts.effective_to is null or usage_days.usage_date < contracts.effective_to)
    left join rate_card_meters
        on contracts.contract_id = rate_card_meters.contract_id
        and contracts.contract_version = rate_card_meters.contract_version
        and usage_days.meter = rate_card_meters.meter
),

final as (
    select
        cast({{ dbt.date_trunc('month', 'usage_date') }} as date) as period_start,
        tenant_id,
        meter,
        unpriced_status,
        {{ trueup_meter_quantity('aggregation', 'quantity') }} as quantity,
        sum(event_count) as event_count,
        count(*) as usage_days,
        min(usage_date) as first_usage_date,
        max(usage_date) as last_usage_date
    from classified_days
    where unpriced_status is not null
    group by
        cast({{ dbt.date_trunc('month', 'usage_date') }} as date),
        tenant_id,
        meter,
        unpriced_status
)

select * from final
