{#- What we should have charged: one line per period × tenant × meter × contract version in
    force (a segment of the month), priced by that version's rate card, plus a
    `commitment_true_up` line per period × contract whose discounted lines fall short of the
    prorated minimum commitments. -#}

with

priced_lines as (
    select * from {{ ref('int_expected_charges_priced') }}
),

segments as (
    select * from {{ ref('int_contract_segments_split') }}
),

commitments as (
    select
        period_start,
        contract_id,
        max(tenant_id) as tenant_id,
        max(currency) as currency,
        max(contract_version) as latest_contract_version,
        min(segment_start) as segment_start,
        max(segment_end) as segment_end,
        -- one division of the period's commitment-days: the segments of a period share its
        -- days, and dividing each segment apart would round each share (three shares of
        -- 0.0083... can sum to 0.01499...: a half cent lost)
        {{ trueup_divide_exact(
            'sum(minimum_commitment * segment_days)', 'max(period_days)', 18
        ) }} as prorated_commitment
    from segments
    group by period_start, contract_id
),

contract_totals as (
    select
        period_start,
        contract_id,
        sum(expected_amount) as expected_amount
    from priced_lines
    group by period_start, contract_id
),

shortfalls as (
    select
        commitments.period_start,
        commitments.tenant_id,
        commitments.contract_id,
        commitments.latest_contract_version,
        commitments.segment_start,
        commitments.segment_end,
        commitments.currency,
        cast(
            commitments.prorated_commitment - coalesce(contract_totals.expected_amount, 0)
            as decimal(38, 18)
        ) as shortfall
    from commitments
    left join contract_totals
        on commitments.period_start = contract_totals.period_start
        and commitments.contract_id = contract_totals.contract_id
    where commitments.prorated_commitment is not null
),

usage_lines as (
    select
        period_start,
        tenant_id,
        meter,
        contract_id,
        contract_version,
        'usage' as line_type,
        segment_start,
        segment_end,
        pricing_model,
        quantity,
        amount_before_discount,
        discount_pct,
        expected_amount,
        currency
    from priced_lines
),

commitment_lines as (
    select
        period_start,
        tenant_id,
        'commitment_true_up' as meter,
        contract_id,
        latest_contract_version as contract_version,
        'commitment_true_up' as line_type,
        segment_start,
        segment_end,
        cast(null as varchar) as pricing_model,
        cast(0 as decimal(38, 9)) as quantity,
        shortfall as amount_before_discount,
        cast(0 as decimal(9, 4)) as discount_pct,
        cast(round(shortfall, 2) as decimal(38, 2)) as expected_amount,
        currency
    from shortfalls
    where round(shortfall, 2) > 0
),

final as (
    select * from usage_lines
    union all
    select * from commitment_lines
)

select * from final
