{#- The true-up: per period × tenant × meter, what was metered, expected and billed, the
    variances and a status (SPEC §3, first rule that applies): no_contract, unpriced_meter,
    currency_mismatch, missing_billing, missing_usage, matched (within tolerance),
    auto_adjust (within the auto-adjust limit), needs_review. Keys: every expected line, every
    billed usage key and every unpriced metered key of the reported periods. -#}

with

periods as (
    select * from {{ ref('int_periods_reported') }}
),

expected_lines as (
    select * from {{ ref('fct_expected_charges') }}
),

billed as (
    select * from {{ ref('fct_billed_charges') }}
),

billing_lines as (
    select * from {{ ref('int_billing_lines_mapped') }}
),

unpriced as (
    select * from {{ ref('int_usage_unpriced') }}
),

usage_days as (
    select * from {{ ref('fct_usage_daily') }}
),

segments as (
    select * from {{ ref('int_contract_segments_split') }}
),

rates as (
    select * from {{ ref('stg_reference__contract_rates') }}
),

tolerances as (
    select * from {{ ref('reconciliation_tolerances') }}
),

default_tolerance as (
    select
        abs_tolerance,
        pct_tolerance,
        auto_adjust_limit
    from tolerances
    where meter = '*'
),

rate_digests as (
    -- what a version's rate card says for a meter, as text
    select
        contract_id,
        contract_version,
        meter,
        {{ dbt.listagg(
            "concat_ws('/', pricing_model, cast(tier as varchar), cast(up_to as varchar),"
            ~ " cast(unit_price as varchar), cast(flat_fee as varchar),"
            ~ " cast(package_size as varchar), cast(free_quantity as varchar))",
            "';'",
            'order by tier'
        ) }} as rate_card
    from rates
    group by contract_id, contract_version, meter
),

expected as (
    select
        expected_lines.period_start,
        expected_lines.tenant_id,
        expected_lines.meter,
        sum(expected_lines.expected_amount) as expected_amount,
        max(expected_lines.currency) as currency,
        md5({{ dbt.listagg(
            "concat_ws('|', expected_lines.contract_id,"
            ~ " cast(expected_lines.contract_version as varchar),"
            ~ " cast(expected_lines.segment_start as varchar),"
            ~ " cast(expected_lines.segment_end as varchar),"
            ~ " coalesce(rate_digests.rate_card, ''))",
            "';'",
            'order by expected_lines.contract_id, expected_lines.contract_version'
        ) }}) as contract_fingerprint
    from expected_lines
    left join rate_digests
        on expected_lines.contract_id = rate_digests.contract_id
        and expected_lines.contract_version = rate_digests.contract_version
        and expected_lines.meter = rate_digests.meter
    group by expected_lines.period_start, expected_lines.tenant_id, expected_lines.meter
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

tenant_contracts as (
    -- what the tenant's versions in force in the period say: currency and rate-card meters
    select
        segments.period_start,
        segments.tenant_id,
        max(segments.currency) as currency
    from segments
    group by segments.period_start, segments.tenant_id
),

rate_card_meters as (
    select distinct
        segments.period_start,
        segments.tenant_id,
        rates.meter
    from segments
    inner join rates
        on segments.contract_id = rates.contract_id
        and segments.contract_version = rates.contract_version
),

keys as (
    select
        period_start,
        tenant_id,
        meter
    from expected
    union
    select
        period_start,
        tenant_id,
        meter
    from billed
    union
    select
        period_start,
        tenant_id,
        meter
    from unpriced_keys
),

joined as (
    select
        keys.period_start,
        keys.tenant_id,
        keys.meter,
        coalesce(metered.metered_quantity, 0) as metered_quantity,
        coalesce(billed.billed_quantity, 0) as billed_quantity,
        coalesce(expected.expected_amount, 0) as expected_amount,
        coalesce(billed.billed_amount, 0) as billed_amount,
        coalesce(expected.currency, tenant_contracts.currency, billed.currency) as currency,
        expected.contract_fingerprint,
        coalesce(billed.line_count, 0) as billed_line_count,
        -- a billed-only key (nothing expected, no unpriced usage) gets the same statuses
        coalesce(unpriced_keys.has_no_contract, false)
        or (
            expected.meter is null
            and unpriced_keys.meter is null
            and tenant_contracts.tenant_id is null
        ) as is_no_contract,
        coalesce(unpriced_keys.has_unpriced_meter, false)
        or (
            expected.meter is null
            and unpriced_keys.meter is null
            and tenant_contracts.tenant_id is not null
            and rate_card_meters.meter is null
            and keys.meter <> 'commitment_true_up'
        ) as is_unpriced_meter,
        coalesce(tolerances.abs_tolerance, default_tolerance.abs_tolerance) as abs_tolerance,
        coalesce(tolerances.pct_tolerance, default_tolerance.pct_tolerance) as pct_tolerance,
        coalesce(tolerances.auto_adjust_limit, default_tolerance.auto_adjust_limit)
            as auto_adjust_limit
    from keys
    inner join periods on keys.period_start = periods.period_start
    left join expected
        on keys.period_start = expected.period_start
        and keys.tenant_id = expected.tenant_id
        and keys.meter = expected.meter
    left join billed
        on keys.period_start = billed.period_start
        and keys.tenant_id = billed.tenant_id
        and keys.meter = billed.meter
    left join metered
        on keys.period_start = metered.period_start
        and keys.tenant_id = metered.tenant_id
        and keys.meter = metered.meter
    left join unpriced_keys
        on keys.period_start = unpriced_keys.period_start
        and keys.tenant_id = unpriced_keys.tenant_id
        and keys.meter = unpriced_keys.meter
    left join tenant_contracts
        on keys.period_start = tenant_contracts.period_start
        and keys.tenant_id = tenant_contracts.tenant_id
    left join rate_card_meters
        on keys.period_start = rate_card_meters.period_start
        and keys.tenant_id = rate_card_meters.tenant_id
        and keys.meter = rate_card_meters.meter
    left join tolerances on keys.meter = tolerances.meter
    cross join default_tolerance
),

line_currencies as (
    select distinct
        period_start,
        tenant_id,
        meter,
        currency
    from billing_lines
    where bucket = 'reconciled_usage'
),

currency_mismatches as (
    -- keys with a billed line in another currency than the contract's
    select distinct
        joined.period_start,
        joined.tenant_id,
        joined.meter
    from joined
    inner join line_currencies
        on joined.period_start = line_currencies.period_start
        and joined.tenant_id = line_currencies.tenant_id
        and joined.meter = line_currencies.meter
    where line_currencies.currency is distinct from joined.currency
),

currency_checked as (
    select
        joined.*,
        currency_mismatches.meter is not null as is_currency_mismatch
    from joined
    left join currency_mismatches
        on joined.period_start = currency_mismatches.period_start
        and joined.tenant_id = currency_mismatches.tenant_id
        and joined.meter = currency_mismatches.meter
),

measured as (
    select
        *,
        cast(billed_amount - expected_amount as decimal(38, 15)) as amount_variance,
        cast(billed_quantity - metered_quantity as decimal(38, 15)) as quantity_variance,
        greatest(
            abs_tolerance,
            cast(
                pct_tolerance * abs(expected_amount) * cast(0.01 as decimal(3, 2))
                as decimal(38, 9)
            )
        ) as tolerance
    from currency_checked
),

final as (
    select
        period_start,
        tenant_id,
        meter,
        cast(metered_quantity as decimal(38, 9)) as metered_quantity,
        cast(billed_quantity as decimal(38, 15)) as billed_quantity,
        quantity_variance,
        cast(expected_amount as decimal(38, 2)) as expected_amount,
        cast(billed_amount as decimal(38, 15)) as billed_amount,
        amount_variance,
        {{ trueup_percentage('amount_variance', 'expected_amount') }} as variance_pct,
        currency,
        cast(tolerance as decimal(38, 9)) as tolerance,
        cast(auto_adjust_limit as decimal(38, 2)) as auto_adjust_limit,
        case
            when is_no_contract then 'no_contract'
            when is_unpriced_meter then 'unpriced_meter'
            when is_currency_mismatch then 'currency_mismatch'
            when expected_amount <> 0 and billed_line_count = 0 then 'missing_billing'
            when billed_amount <> 0 and expected_amount = 0 and metered_quantity = 0
                then 'missing_usage'
            when abs(amount_variance) <= tolerance then 'matched'
            when abs(amount_variance) <= auto_adjust_limit then 'auto_adjust'
            else 'needs_review'
        end as status,
        billed_line_count,
        contract_fingerprint,
        -- a period is closed by the first build whose as_of reaches its watermark
        {{ trueup_period_watermark('period_start') }} <= {{ trueup_as_of_sql() }} as is_closed
    from measured
)

select * from final
