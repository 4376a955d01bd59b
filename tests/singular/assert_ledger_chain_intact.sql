{#-
    The adjustment ledger's hash chain, recomputed: entry_ids run 1..n without gaps, each
    entry's previous_entry_hash is the entry before's hash (64 zeros for the first), and each
    entry_hash is sha256(previous_entry_hash || its fields). Any edited, inserted or deleted
    entry breaks it: the build stops naming the first bad entry.
-#}

{%- set failures -%}
    with

    ledger as (
        select * from {{ ref('fct_adjustment_ledger') }}
    ),

    checked as (
        select
            entry_id,
            row_number() over (order by entry_id) as position,
            previous_entry_hash,
            coalesce(lag(entry_hash) over (order by entry_id), repeat('0', 64)) as expected_previous,
            entry_hash,
            sha256(previous_entry_hash || {{ trueup_ledger_entry_text() }}) as expected_hash
        from ledger
    ),

    broken as (
        select
            entry_id,
            case
                when entry_id <> position then 'entry_id out of sequence (an entry is missing)'
                when previous_entry_hash <> expected_previous
                    then 'previous_entry_hash does not match the entry before'
                when entry_hash <> expected_hash then 'entry_hash does not match its fields'
            end as rule
        from checked
    ),

    first_bad as (
        select * from broken
        where rule is not null
        order by entry_id
        limit 1
    )

    select 'first bad entry ' || cast(entry_id as varchar) || ': ' || rule as message
    from first_bad
{%- endset -%}
{{ trueup_fail_with_messages(failures, 'adjustment ledger chain broken') }}
