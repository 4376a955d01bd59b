-- One tenant's true-up statement: per period and meter, metered, expected, billed, the
-- variance, its status and what the ledger booked. Set var statement_tenant (default: the
-- tenant with the largest outstanding true-up); its value is one tenant_id, quoted as text.

with

variance as (
    select * from {{ ref('fct_trueup_variance') }}
),

ledger as (
    select * from {{ ref('fct_adjustment_ledger') }}
),

booked as (
    select
        period_start,
        tenant_id,
        meter,
        sum(amount) as booked_amount,
        count(*) as ledger_entries
    from ledger
    group by period_start, tenant_id, meter
),

chosen_tenant as (
    {% if var('statement_tenant', none) -%}
        select {{ trueup_string_literal(var('statement_tenant')) }} as tenant_id
    {%- else -%}
        select tenant_id
        from variance
        group by tenant_id
        order by sum(abs(expected_amount - billed_amount)) desc, tenant_id
        limit 1
    {%- endif %}
),

final as (
    select
        variance.tenant_id,
        variance.period_start,
        variance.meter,
        variance.currency,
        variance.metered_quantity,
        variance.expected_amount,
        variance.billed_amount,
        variance.amount_variance,
        variance.status,
        variance.is_closed,
        coalesce(booked.booked_amount, 0) as booked_amount,
        coalesce(booked.ledger_entries, 0) as ledger_entries
    from variance
    inner join chosen_tenant on variance.tenant_id = chosen_tenant.tenant_id
    left join booked
        on variance.period_start = booked.period_start
        and variance.tenant_id = booked.tenant_id
        and variance.meter = booked.meter
)

select * from final
order by period_start, meter
