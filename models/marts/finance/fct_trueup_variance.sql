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
    select * from {{ ref('int_billed_usage_keys') }}
),

usage_periods as (
    select * from {{ ref('int_usage_periods_metered') }}
),

contract_rate_cards as (
    select * from {{ ref('int_contract_rate_cards') }}
),

tolerances as (
    select * from {{ ref('int_tolerances_effective') }}
),

statuses as (
    select * from {{ ref('int_variance_statuses') }}
),

rate_digests as (
    -- what a version's rate card says for a meter, as text
    select distinct
        contract_id,
        contract_version,
        meter,
        rate_card
    from contract_rate_cards
    where meter is not null
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

tenant_contracts as (
    -- what the tenant's versions in force in the period say: currency and rate-card meters
    select
        period_start,
        tenant_id,
        max(currency) as currency
    from contract_rate_cards
    group by period_start, tenant_id
),

rate_card_meters as (
    select distinct
        period_start,
        tenant_id,
        meter
    from contract_rate_cards
    where meter is not null
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
    from usage_periods
    where is_unpriced
),

joined as (
    select
        keys.period_start,
        keys.tenant_id,
        keys.meter,
        coalesce(usage_periods.metered_quantity, 0) as metered_quantity,
        coalesce(billed.billed_quantity, 0) as billed_quantity,
        coalesce(expected.expected_amount, 0) as expected_amount,
        coalesce(billed.billed_amount, 0) as billed_amount,
        coalesce(expected.currency, tenant_contracts.currency, billed.currency) as currency,
        expected.contract_fingerprint,
        coalesce(billed.line_count, 0) as billed_line_count,
        coalesce(billed.line_currency_count, 0) as line_currency_count,
        billed.line_currency,
        -- a billed-only key (nothing expected, no unpriced usage) gets the same statuses
        coalesce(usage_periods.has_no_contract, false)
        or (
            expected.meter is null
            and not coalesce(usage_periods.is_unpriced, false)
            and tenant_contracts.tenant_id is null
        ) as is_no_contract,
        coalesce(usage_periods.has_unpriced_meter, false)
        or (
            expected.meter is null
            and not coalesce(usage_periods.is_unpriced, false)
            and tenant_contracts.tenant_id is not null
            and rate_card_meters.meter is null
            and keys.meter <> 'commitment_true_up'
        ) as is_unpriced_meter,
        tolerances.abs_tolerance,
        tolerances.pct_tolerance,
        tolerances.auto_adjust_limit
    from keys
    inner join periods on keys.period_start = periods.period_start
    left join expected
        on {{ trueup_keys_match('keys', 'expected', trueup_variance_keys()) }}
    left join billed
        on {{ trueup_keys_match('keys', 'billed', trueup_variance_keys()) }}
    left join usage_periods
        on {{ trueup_keys_match('keys', 'usage_periods', trueup_variance_keys()) }}
    left join tenant_contracts
        on keys.period_start = tenant_contracts.period_start
        and keys.tenant_id = tenant_contracts.tenant_id
    left join rate_card_meters
        on {{ trueup_keys_match('keys', 'rate_card_meters', trueup_variance_keys()) }}
    -- the meter's own tolerances, else the `*` row's (int_tolerances_effective fills both)
    left join tolerances as meter_tolerances on keys.meter = meter_tolerances.meter
    inner join tolerances on coalesce(meter_tolerances.meter, '*') = tolerances.meter
),

currency_checked as (
    select
        *,
        -- a billed line in another currency than the contract's (an empty one included)
        line_currency_count > 1
        or (line_currency_count = 1 and {{ trueup_is_different('line_currency', 'currency') }})
            as is_currency_mismatch
    from joined
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

status_rules as (
    -- every status whose rule applies to the key; the first in the seed's precedence wins
    select
        measured.period_start,
        measured.tenant_id,
        measured.meter,
        statuses.status,
        row_number() over (
            partition by measured.period_start, measured.tenant_id, measured.meter
            order by statuses.precedence
        ) as rule_rank
    from measured
    inner join statuses
        on case statuses.status
            when 'no_contract' then measured.is_no_contract
            when 'unpriced_meter' then measured.is_unpriced_meter
            when 'currency_mismatch' then measured.is_currency_mismatch
            when 'missing_billing'
                then measured.expected_amount <> 0 and measured.billed_line_count = 0
            when 'missing_usage'
                then measured.billed_amount <> 0
                    and measured.expected_amount = 0
                    and measured.metered_quantity = 0
            when 'matched' then abs(measured.amount_variance) <= measured.tolerance
            when 'auto_adjust' then abs(measured.amount_variance) <= measured.auto_adjust_limit
            when 'needs_review' then true
            else {{ trueup_raise_error(
                "'trueup: the variance status ' || statuses.status"
                ~ " || ' (seed variance_statuses) has no rule in fct_trueup_variance'"
            ) }} is not null
        end
),

key_statuses as (
    select
        period_start,
        tenant_id,
        meter,
        status
    from status_rules
    where rule_rank = 1
),

final as (
    select
        measured.period_start,
        measured.tenant_id,
        measured.meter,
        cast(measured.metered_quantity as decimal(38, 9)) as metered_quantity,
        cast(measured.billed_quantity as decimal(38, 15)) as billed_quantity,
        measured.quantity_variance,
        cast(measured.expected_amount as decimal(38, 2)) as expected_amount,
        cast(measured.billed_amount as decimal(38, 15)) as billed_amount,
        measured.amount_variance,
        {{ trueup_percentage('measured.amount_variance', 'measured.expected_amount') }}
            as variance_pct,
        measured.currency,
        cast(measured.tolerance as decimal(38, 9)) as tolerance,
        cast(measured.auto_adjust_limit as decimal(38, 2)) as auto_adjust_limit,
        key_statuses.status,
        measured.billed_line_count,
        measured.contract_fingerprint,
        -- a period is closed by the first build whose as_of reaches its watermark
        {{ trueup_period_watermark('measured.period_start') }} <= {{ trueup_as_of_sql() }}
            as is_closed
    from measured
    left join key_statuses
        on {{ trueup_keys_match('measured', 'key_statuses', trueup_variance_keys()) }}
)

select * from final
