{#-
    The latest ledger head recorded matches the ledger: as many entries and the same head
    hash. Losing the newest entries (which leaves a valid but shorter chain) fails here.
-#}

with

heads as (
    select * from {{ ref('fct_ledger_heads') }}
),

entries as (
    select * from {{ ref('fct_adjustment_ledger') }}
),

latest_head as (
    select * from heads
    order by recorded_at desc, entry_count desc
    limit 1
),

last_entry as (
    select entry_hash
    from entries
    order by entry_id desc
    limit 1
),

entry_counts as (
    select count(*) as entry_count
    from entries
)

select
    latest_head.entry_count as recorded_entries,
    entry_counts.entry_count as ledger_entries,
    latest_head.head_entry_hash as recorded_head,
    last_entry.entry_hash as ledger_head
from latest_head
cross join entry_counts
left join last_entry on true
where latest_head.entry_count <> entry_counts.entry_count
    or {{ trueup_is_different('latest_head.head_entry_hash', 'last_entry.entry_hash') }}
