{#- One expected charge line per segment × rate-card meter of the version in force: the
    segment's metered quantity (usage by date of event_at; a max meter's segment quantity is its
    peak day), priced by the version's tiers, flat fees prorated by segment days over month
    days, discounted and rounded once. Lines exist without usage (quantity 0: fees are owed).
    Supported range: a line's amount before discount stays below 10^14 in contract currency
    (the discount step multiplies 18-decimal amounts exactly within 38 digits). A line whose
    bound - every tier's quantity × unit_price (package: (⌈quantity / package_size⌉ + 1) ×
    unit_price) plus its flat fees - reaches 99.9 trillion stops the build with a message naming
    the tenant, meter, period and contract version, before any amount is computed. The bound is
    exact DECIMAL like the amounts, each term capped at the limit so that it cannot overflow. -#}

{%- set rate_card_keys = ['contract_id', 'contract_version', 'meter'] %}
{%- set line_keys = ['period_start'] + rate_card_keys %}
{%- set amount_limit = 99900000000000 %}

with

segments as (
    select * from {{ ref('int_contract_segments_split') }}
),

tiers as (
    select * from {{ ref('int_contract_rates_tiered') }}
),

usage_days as (
    select * from {{ ref('int_usage_daily_metered') }}
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
        coalesce(
            {{ trueup_meter_quantity('lines.aggregation', 'usage_days.quantity') }}, 0
        ) as quantity
    from lines
    left join usage_days
        on lines.tenant_id = usage_days.tenant_id
        and lines.meter = usage_days.meter
        and lines.segment_start <= usage_days.usage_date
        and lines.segment_end > usage_days.usage_date
    group by lines.period_start, lines.contract_id, lines.contract_version, lines.meter
),

measured_lines as (
    select
        lines.*,
        line_quantities.quantity
    from lines
    inner join line_quantities on {{ trueup_keys_match('lines', 'line_quantities', line_keys) }}
),

line_tiers as (
    select
        measured_lines.period_start,
        measured_lines.contract_id,
        measured_lines.contract_version,
        measured_lines.meter,
        measured_lines.tenant_id,
        measured_lines.segment_days,
        measured_lines.period_days,
        measured_lines.discount_pct,
        measured_lines.quantity,
        tiers.pricing_model,
        tiers.tier,
        tiers.lower_bound,
        tiers.up_to,
        tiers.unit_price,
        tiers.flat_fee,
        tiers.package_size,
        tiers.free_quantity
    from measured_lines
    inner join tiers on {{ trueup_keys_match('measured_lines', 'tiers', rate_card_keys) }}
),

tier_units as (
    -- the units a tier can charge for: the quantity (package: the packages started, plus one;
    -- at most 10^24, where any price of at least 10^-9 reaches the limit anyway)
    select
        *,
        case
            when pricing_model = 'package'
                then cast(
                        least(
                            {{ trueup_ceil_divide('quantity', 'nullif(package_size, 0)') }},
                            cast(1000000000000000000000000 as decimal(38, 0))
                        ) + 1
                        as decimal(38, 9)
                    )
            else cast(quantity as decimal(38, 9))
        end as bound_units
    from line_tiers
),

tier_bounds as (
    -- an upper bound of each tier's share of its line's amount before discount (see the
    -- header): units × unit_price plus the flat fee, each capped at the limit, exact
    select
        *,
        {{ trueup_capped_product('bound_units', 'unit_price', amount_limit) }}
        + {{ trueup_capped_product('coalesce(flat_fee, 0)', 1, amount_limit) }} as amount_bound
    from tier_units
),

priceable_line_tiers as (
    {{ trueup_stop_when(
        'tier_bounds', line_keys, 'sum(amount_bound)', amount_limit,
        "'trueup: the expected amount of tenant ' || tier_bounds.tenant_id"
        ~ " || ', meter ' || tier_bounds.meter"
        ~ " || ', period ' || cast(tier_bounds.period_start as " ~ dbt.type_string() ~ ")"
        ~ " || ' (contract ' || tier_bounds.contract_id || ' version '"
        ~ " || cast(tier_bounds.contract_version as " ~ dbt.type_string() ~ ")"
        ~ " || ', quantity ' || cast(tier_bounds.quantity as " ~ dbt.type_string() ~ ")"
        ~ " || ') reaches the supported bound of 10^14: check its usage and rate card'"
    ) }}
),

line_amounts as (
    {{ trueup_price_line_tiers('priceable_line_tiers', line_keys) }}
),

final as (
    select
        measured_lines.period_start,
        measured_lines.tenant_id,
        measured_lines.meter,
        measured_lines.contract_id,
        measured_lines.contract_version,
        measured_lines.segment_start,
        measured_lines.segment_end,
        measured_lines.segment_days,
        measured_lines.period_days,
        measured_lines.pricing_model,
        cast(measured_lines.quantity as decimal(38, 9)) as quantity,
        line_amounts.usage_amount,
        line_amounts.prorated_flat_fee,
        line_amounts.amount_before_discount,
        measured_lines.discount_pct,
        line_amounts.expected_amount,
        measured_lines.currency
    from measured_lines
    inner join line_amounts on {{ trueup_keys_match('measured_lines', 'line_amounts', line_keys) }}
)

select * from final
