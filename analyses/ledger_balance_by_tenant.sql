-- The adjustment ledger per tenant and currency: what is to be re-billed, credited, how much
-- of it was approved automatically and how much waits for review.

with

ledger as (
    select * from {{ ref('fct_adjustment_ledger') }}
),

final as (
    select
        tenant_id,
        currency,
        count(*) as entries,
        sum(amount) as net_balance,
        sum(case when entry_type = 'rebill' then amount else 0 end) as rebill_amount,
        sum(case when entry_type = 'credit_memo' then amount else 0 end) as credit_memo_amount,
        sum(case when approval = 'review' then amount else 0 end) as awaiting_review_amount,
        max(booked_at) as last_booked_at
    from ledger
    group by tenant_id, currency
)

select * from final
order by abs(net_balance) desc, tenant_id
