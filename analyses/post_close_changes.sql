-- What changed since each period closed: changed keys with closed and current figures,
-- largest change of the expected amount first.

with

deltas as (
    select * from {{ ref('fct_post_close_deltas') }}
),

final as (
    select
        period_start,
        tenant_id,
        meter,
        delta_status,
        closed_status,
        current_status,
        currency,
        closed_expected_amount,
        current_expected_amount,
        expected_amount_delta,
        closed_billed_amount,
        current_billed_amount,
        billed_amount_delta,
        metered_quantity_delta
    from deltas
)

select * from final
order by period_start, abs(expected_amount_delta) desc, abs(billed_amount_delta) desc
