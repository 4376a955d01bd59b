{#- Each reported period split at contract-version boundaries: one segment per period ×
    contract version in force during part of it, with its dates (segment_end exclusive) and the
    share of the month it covers. -#}

with

periods as (
    select * from {{ ref('int_periods_reported') }}
),

contracts as (
    select * from {{ ref('stg_reference__contracts') }}
),

overlapping as (
    select
        periods.period_start,
        periods.period_end,
        contracts.contract_id,
        contracts.contract_version,
        contracts.tenant_id,
        contracts.currency,
        contracts.discount_pct,
        contracts.minimum_commitment,
        greatest(periods.period_start, contracts.effective_from) as segment_start,
        least(
            periods.period_end, coalesce(contracts.effective_to, periods.period_end)
        ) as segment_end
    from periods
    inner join contracts
        on periods.period_end > contracts.effective_from
        and (contracts.effective_to is null or periods.period_start < contracts.effective_to)
),

final as (
    select
        period_start,
        period_end,
        tenant_id,
        contract_id,
        contract_version,
        segment_start,
        segment_end,
        {{ trueup_days_between('segment_start', 'segment_end') }} as segment_days,
        {{ trueup_days_between('period_start', 'period_end') }} as period_days,
        currency,
        discount_pct,
        minimum_commitment
    from overlapping
)

select * from final
