{#- What changed after the books closed: for every closed period, the current variance rows
    against the frozen ones, per tenant × meter, changed rows only (any change of a quantity,
    amount, status or currency), labelled `added` (new since close), `removed` (gone since)
    or `modified`. -#}

with

frozen as (
    select * from {{ ref('fct_variance_at_close') }}
),

variance as (
    select * from {{ ref('fct_trueup_variance') }}
),

closed_periods as (
    select distinct period_start from frozen
),

current_variance as (
    select variance.*
    from variance
    inner join closed_periods on variance.period_start = closed_periods.period_start
),

compared as (
    select
        {{ trueup_coalesced_keys('frozen', 'current_variance', trueup_variance_keys()) }},
        case
            when frozen.meter is null then 'added'
            when current_variance.meter is null then 'removed'
            else 'modified'
        end as delta_status,
        frozen.closed_at,
        frozen.status as closed_status,
        current_variance.status as current_status,
        coalesce(frozen.currency, current_variance.currency) as currency,
        frozen.metered_quantity as closed_metered_quantity,
        current_variance.metered_quantity as current_metered_quantity,
        frozen.billed_quantity as closed_billed_quantity,
        current_variance.billed_quantity as current_billed_quantity,
        frozen.expected_amount as closed_expected_amount,
        current_variance.expected_amount as current_expected_amount,
        frozen.billed_amount as closed_billed_amount,
        current_variance.billed_amount as current_billed_amount,
        frozen.amount_variance as closed_amount_variance,
        current_variance.amount_variance as current_amount_variance,
        {{ trueup_is_different(
            'frozen.currency', 'current_variance.currency'
        ) }} as is_currency_changed
    from frozen
    full outer join current_variance
        on {{ trueup_keys_match('frozen', 'current_variance', trueup_variance_keys()) }}
),

final as (
    select
        period_start,
        tenant_id,
        meter,
        delta_status,
        closed_at,
        closed_status,
        current_status,
        currency,
        closed_metered_quantity,
        current_metered_quantity,
        cast(
            coalesce(current_metered_quantity, 0) - coalesce(closed_metered_quantity, 0)
            as decimal(38, 9)
        ) as metered_quantity_delta,
        closed_billed_quantity,
        current_billed_quantity,
        closed_expected_amount,
        current_expected_amount,
        cast(
            coalesce(current_expected_amount, 0) - coalesce(closed_expected_amount, 0)
            as decimal(38, 2)
        ) as expected_amount_delta,
        closed_billed_amount,
        current_billed_amount,
        cast(
            coalesce(current_billed_amount, 0) - coalesce(closed_billed_amount, 0)
            as decimal(38, 15)
        ) as billed_amount_delta,
        closed_amount_variance,
        current_amount_variance
    from compared
    where delta_status <> 'modified'
        or closed_metered_quantity <> current_metered_quantity
        or closed_billed_quantity <> current_billed_quantity
        or closed_expected_amount <> current_expected_amount
        or closed_billed_amount <> current_billed_amount
        or closed_status <> current_status
        or is_currency_changed
)

select * from final
