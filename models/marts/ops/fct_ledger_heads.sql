{#- One row per build that may book: the ledger's entry count and head hash after it, so that
    losing the newest entries (which the chain alone cannot show) is detectable too.
    Append-only, never rewritten (config in _ops__models.yml). -#}
{%- set close = trueup_close_context(
    [[ref('fct_adjustment_ledger'), 'booked_at'], [ref('fct_variance_at_close'), 'closed_at']]
) %}

with

ledger as (
    select * from {{ ref('fct_adjustment_ledger') }}
),

last_entry as (
    select
        entry_id,
        entry_hash
    from ledger
    order by entry_id desc
    limit 1
),

entry_counts as (
    select count(*) as entry_count
    from ledger
),

final as (
    select
        {{ trueup_build_stamp_columns() }},
        entry_counts.entry_count,
        last_entry.entry_id as head_entry_id,
        last_entry.entry_hash as head_entry_hash
    from entry_counts
    left join last_entry on true
    where {{ 'true' if close.allowed else 'false' }}
)

select * from final
