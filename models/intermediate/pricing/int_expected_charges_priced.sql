{#- One expected charge line per segment × rate-card meter of the version in force: the
    segment's metered quantity (usage by date of event_at; a max meter's segment quantity is its
    peak day), priced by the version's tiers, flat fees prorated by segment days over month
    days, discounted and rounded once. Lines exist without usage (quantity 0: fees are owed). -#}

with

segments as (
    select * from {{ ref('int_contract_segments_split') }}
),

tiers as (
    select * from {{ ref('int_contract_rates_tiered') }}
),

usage_days as (
    select * from {{ ref('fct_usage_daily') }}
),

meters as (
    select * from {{ ref('meters') }}
),

rate_card_meters as (
    select distinct
        contract_id,
        contract_version,
        meter,
        pricing_model
    from tiers
),

lines as (
    select
        segments.*,
        rate_card_meters.meter,
        rate_card_meters.pricing_model,
        meters.aggregation
    from segments
    inner join rate_card_meters
        on segments.contract_id = rate_card_meters.contract_id
        and segments.contract_version = rate_card_meters.contract_version
    inner join meters on rate_card_meters.meter = meters.meter
),

line_quantities as (
    select
        lines.period_start,
        lines.contract_id,
        lines.contract_version,
        lines.meter,
        case
            when max(lines.aggregation) = 'max' then coalesce(max(usage_days.quantity), 0)
            else coalesce(sum(usage_days.quantity), 0)
        end as quantity
    from lines
    left join usage_days
        on lines.tenant_id = usage_days.tenant_id
        and lines.meter = usage_days.meter
        and lines.segment_start <= usage_days.usage_date
        and lines.segment_end > usage_days.usage_date
    group by lines.period_start, lines.contract_id, lines.contract_version, lines.meter
),

tier_amounts as (
    select
        line_quantities.period_start,
        line_quantities.contract_id,
        line_quantities.contract_version,
        line_quantities.meter,
        {{ trueup_tier_usage_amount(
            'tiers.pricing_model', 'line_quantities.quantity', 'tiers.tier',
            'tiers.lower_bound', 'tiers.up_to', 'tiers.unit_price', 'tiers.package_size',
            'tiers.free_quantity'
        ) }} as usage_amount,
        {{ trueup_tier_flat_fee(
            'tiers.pricing_model', 'line_quantities.quantity', 'tiers.tier',
            'tiers.lower_bound', 'tiers.up_to', 'tiers.flat_fee'
        ) }} as flat_fee
    from line_quantities
    inner join tiers
        on line_quantities.contract_id = tiers.contract_id
        and line_quantities.contract_version = tiers.contract_version
        and line_quantities.meter = tiers.meter
),

line_amounts as (
    select
        period_start,
        contract_id,
        contract_version,
        meter,
        sum(usage_amount) as usage_amount,
        sum(flat_fee) as flat_fee
    from tier_amounts
    group by period_start, contract_id, contract_version, meter
),

priced as (
    select
        lines.period_start,
        lines.tenant_id,
        lines.meter,
        lines.contract_id,
        lines.contract_version,
        lines.segment_start,
        lines.segment_end,
        lines.segment_days,
        lines.period_days,
        lines.pricing_model,
        line_quantities.quantity,
        cast(line_amounts.usage_amount as decimal(38, 18)) as usage_amount,
        {{ trueup_divide_exact(
            'line_amounts.flat_fee * lines.segment_days', 'lines.period_days', 18
        ) }} as prorated_flat_fee,
        lines.discount_pct,
        lines.currency
    from lines
    inner join line_quantities
        on lines.period_start = line_quantities.period_start
        and lines.contract_id = line_quantities.contract_id
        and lines.contract_version = line_quantities.contract_version
        and lines.meter = line_quantities.meter
    inner join line_amounts
        on lines.period_start = line_amounts.period_start
        and lines.contract_id = line_amounts.contract_id
        and lines.contract_version = line_amounts.contract_version
        and lines.meter = line_amounts.meter
),

final as (
    select
        period_start,
        tenant_id,
        meter,
        contract_id,
        contract_version,
        segment_start,
        segment_end,
        segment_days,
        period_days,
        pricing_model,
        cast(quantity as decimal(38, 9)) as quantity,
        usage_amount,
        prorated_flat_fee,
        cast(usage_amount + prorated_flat_fee as decimal(38, 18)) as amount_before_discount,
        discount_pct,
        {{ trueup_discounted_amount(
            'usage_amount + prorated_flat_fee', 'discount_pct'
        ) }} as expected_amount,
        currency
    from priced
)

select * from final
