{#-
    For every closed, bookable period x tenant x meter, the ledger's entries add up to the
    outstanding true-up (expected - billed) within the key's tolerance. Checked in builds that
    may book: a replay (an earlier as_of) shows what was known then, which the ledger, booked
    later, does not follow.
-#}
{%- set close = trueup_close_context(
    [[ref('fct_adjustment_ledger'), 'booked_at'], [ref('fct_variance_at_close'), 'closed_at']]
) %}

with

variance as (
    select * from {{ ref('fct_trueup_variance') }}
),

bookable_statuses as (
    select status from {{ ref('int_variance_statuses') }}
    where is_bookable
),

closed_periods as (
    select distinct period_start from {{ ref('fct_variance_at_close') }}
),

booked as (
    select
        period_start,
        tenant_id,
        meter,
        sum(amount) as booked_amount
    from {{ ref('fct_adjustment_ledger') }}
    group by period_start, tenant_id, meter
)

select
    variance.period_start,
    variance.tenant_id,
    variance.meter,
    variance.expected_amount - variance.billed_amount as outstanding,
    coalesce(booked.booked_amount, 0) as booked_amount,
    variance.tolerance
from variance
inner join closed_periods on variance.period_start = closed_periods.period_start
inner join bookable_statuses on variance.status = bookable_statuses.status
left join booked
    on variance.period_start = booked.period_start
    and variance.tenant_id = booked.tenant_id
    and variance.meter = booked.meter
where abs(
        cast(variance.expected_amount - variance.billed_amount as decimal(38, 15))
        - coalesce(booked.booked_amount, 0)
    ) > variance.tolerance
    and {{ 'true' if close.allowed else 'false' }}
