{#- The append-only adjustment ledger. For every closed period × tenant × meter the outstanding
    true-up is expected − billed (> 0: the customer was under-billed). Each build appends one
    entry per key whose outstanding true-up differs from the sum of its earlier entries by
    more than the key's tolerance; the entry is that difference. Entries are hash-chained
    (SHA-256 over the previous entry's hash and the entry's fields) in entry_id order, so any
    edit, insertion or deletion is detectable; never rewritten, not even by --full-refresh.
    Keys whose status is not bookable (seed variance_statuses: the contract cannot price them)
    are not booked. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        full_refresh=false,
        on_schema_change='fail',
    )
}}

{%- set close = trueup_close_context(
    [[this, 'booked_at'], [ref('fct_variance_at_close'), 'closed_at']]
) %}

with

variance as (
    select * from {{ ref('fct_trueup_variance') }}
),

frozen as (
    select * from {{ ref('fct_variance_at_close') }}
),

tolerances as (
    select * from {{ ref('int_tolerances_effective') }}
),

statuses as (
    select * from {{ ref('int_variance_statuses') }}
),

closed_periods as (
    select distinct period_start from frozen
),

current_keys as (
    select
        variance.period_start,
        variance.tenant_id,
        variance.meter,
        variance.status,
        variance.currency,
        variance.expected_amount,
        variance.billed_amount,
        variance.contract_fingerprint,
        variance.tolerance,
        variance.auto_adjust_limit,
        -- compared at the data's full precision; entries are booked at 9 decimals
        cast(variance.expected_amount - variance.billed_amount as decimal(38, 15)) as outstanding
    from variance
    inner join closed_periods on variance.period_start = closed_periods.period_start
),

ledger_so_far as (
    {% if is_incremental() %}
        select * from {{ this }}
    {% else %}
        select
            cast(null as bigint) as entry_id,
            cast(null as date) as period_start,
            cast(null as varchar) as tenant_id,
            cast(null as varchar) as meter,
            cast(null as decimal(38, 9)) as amount,
            cast(null as varchar) as currency,
            cast(null as varchar) as entry_hash,
            cast(null as decimal(38, 15)) as billed_amount_snapshot,
            cast(null as decimal(38, 2)) as expected_amount_snapshot,
            cast(null as varchar) as contract_fingerprint_snapshot
        where false
    {% endif %}
),

booked as (
    select
        period_start,
        tenant_id,
        meter,
        sum(amount) as booked_amount,
        max(entry_id) as last_entry_id
    from ledger_so_far
    group by period_start, tenant_id, meter
),

last_entries as (
    select ledger_so_far.*
    from ledger_so_far
    inner join booked on ledger_so_far.entry_id = booked.last_entry_id
),

last_entry as (
    select
        entry_id,
        entry_hash
    from ledger_so_far
    order by entry_id desc
    limit 1
),

chain_head as (
    select
        coalesce(max(entry_id), 0) as head_entry_id,
        coalesce(max(entry_hash), repeat('0', 64)) as head_entry_hash
    from last_entry
),

candidates as (
    select
        {{ trueup_coalesced_keys('current_keys', 'booked', trueup_variance_keys()) }},
        current_keys.status,
        statuses.is_bookable,
        coalesce(current_keys.currency, last_entries.currency) as currency,
        coalesce(current_keys.outstanding, 0) as outstanding,
        coalesce(booked.booked_amount, 0) as booked_amount,
        booked.last_entry_id,
        current_keys.meter is null as is_vanished,
        current_keys.expected_amount,
        current_keys.billed_amount,
        current_keys.contract_fingerprint,
        -- a vanished key is booked back to 0 with the seed's absolute tolerance
        coalesce(current_keys.tolerance, tolerances.abs_tolerance) as tolerance,
        coalesce(current_keys.auto_adjust_limit, tolerances.auto_adjust_limit)
            as auto_adjust_limit,
        frozen.invocation_id as closing_invocation_id,
        coalesce(last_entries.billed_amount_snapshot, frozen.billed_amount) as previous_billed_amount,
        coalesce(
            last_entries.expected_amount_snapshot, frozen.expected_amount
        ) as previous_expected_amount,
        case
            when last_entries.entry_id is not null
                then last_entries.contract_fingerprint_snapshot
            else frozen.contract_fingerprint
        end as previous_contract_fingerprint
    from current_keys
    full outer join booked
        on {{ trueup_keys_match('current_keys', 'booked', trueup_variance_keys()) }}
    left join last_entries on booked.last_entry_id = last_entries.entry_id
    left join frozen
        on coalesce(current_keys.period_start, booked.period_start) = frozen.period_start
        and coalesce(current_keys.tenant_id, booked.tenant_id) = frozen.tenant_id
        and coalesce(current_keys.meter, booked.meter) = frozen.meter
    left join statuses on current_keys.status = statuses.status
    -- the meter's own tolerances, else the `*` row's (int_tolerances_effective fills both)
    left join tolerances as meter_tolerances
        on coalesce(current_keys.meter, booked.meter) = meter_tolerances.meter
    inner join tolerances on coalesce(meter_tolerances.meter, '*') = tolerances.meter
),

entries as (
    select
        period_start,
        tenant_id,
        meter,
        cast(outstanding - booked_amount as decimal(38, 9)) as amount,
        currency,
        case
            when last_entry_id is null
                and closing_invocation_id = '{{ invocation_id }}' then 'variance_at_close'
            when last_entry_id is null
                and billed_amount = previous_billed_amount
                and expected_amount = previous_expected_amount
                and not {{ trueup_is_different(
                    'contract_fingerprint', 'previous_contract_fingerprint'
                ) }}
                then 'variance_at_close'
            when {{ trueup_is_different('billed_amount', 'previous_billed_amount') }}
                then 'billing_correction'
            when {{ trueup_is_different('contract_fingerprint', 'previous_contract_fingerprint') }}
                then 'contract_change'
            else 'late_usage'
        end as reason,
        tolerance,
        auto_adjust_limit,
        outstanding,
        billed_amount,
        expected_amount,
        contract_fingerprint
    from candidates
    where (is_vanished or is_bookable)
        and abs(outstanding - booked_amount) > tolerance
        and {{ 'true' if close.allowed else 'false' }}
),

numbered as (
    select
        chain_head.head_entry_id + row_number() over (
            order by entries.period_start, entries.tenant_id, entries.meter
        ) as entry_id,
        entries.period_start,
        entries.tenant_id,
        entries.meter,
        entries.amount,
        entries.currency,
        case when entries.amount > 0 then 'rebill' else 'credit_memo' end as entry_type,
        case
            when abs(entries.amount) <= entries.auto_adjust_limit then 'auto' else 'review'
        end as approval,
        entries.reason,
        {{ trueup_as_of_sql() }} as booked_at,
        '{{ invocation_id }}' as invocation_id,
        entries.outstanding,
        entries.tolerance,
        entries.billed_amount,
        entries.expected_amount,
        entries.contract_fingerprint
    from entries
    cross join chain_head
),

chained as (
    -- each hash covers the previous one: walk the new entries in entry_id order
    select * from (
        with recursive chain as (
            select
                numbered.entry_id,
                chain_head.head_entry_hash as previous_entry_hash,
                sha256(
                    chain_head.head_entry_hash || {{ trueup_ledger_entry_text('numbered.') }}
                ) as entry_hash
            from numbered
            cross join chain_head
            where numbered.entry_id = chain_head.head_entry_id + 1

            union all

            select
                numbered.entry_id,
                chain.entry_hash as previous_entry_hash,
                sha256(
                    chain.entry_hash || {{ trueup_ledger_entry_text('numbered.') }}
                ) as entry_hash
            from chain
            inner join numbered on numbered.entry_id = chain.entry_id + 1
        )

        select * from chain
    )
),

final as (
    select
        numbered.entry_id,
        numbered.period_start,
        numbered.tenant_id,
        numbered.meter,
        numbered.amount,
        numbered.currency,
        numbered.entry_type,
        numbered.approval,
        numbered.reason,
        numbered.booked_at,
        numbered.invocation_id,
        chained.previous_entry_hash,
        chained.entry_hash,
        cast(numbered.outstanding as decimal(38, 9)) as outstanding_after,
        cast(numbered.tolerance as decimal(38, 9)) as tolerance,
        cast(numbered.billed_amount as decimal(38, 15)) as billed_amount_snapshot,
        cast(numbered.expected_amount as decimal(38, 2)) as expected_amount_snapshot,
        numbered.contract_fingerprint as contract_fingerprint_snapshot
    from numbered
    inner join chained on numbered.entry_id = chained.entry_id
)

select * from final
