{#- One row per adjustment-ledger entry of `ledger` with `rule`: why its place in the hash
    chain is wrong (NULL when it is right): entry_ids run 1..n without gaps, each
    previous_entry_hash is the hash of the entry before (64 zeros for the first), and each
    entry_hash is sha256(previous_entry_hash || its fields). Shared by the chain test (which
    names the first bad entry) and the ledger_integrity_errors SLI (which counts them). -#}
{% macro trueup_ledger_chain_checks(ledger) -%}
    select
        entry_id,
        case
            when entry_id <> row_number() over (order by entry_id)
                then 'entry_id out of sequence (an entry is missing)'
            when previous_entry_hash
                <> coalesce(lag(entry_hash) over (order by entry_id), repeat('0', 64))
                then 'previous_entry_hash does not match the entry before'
            when entry_hash <> sha256(previous_entry_hash || {{ trueup_ledger_entry_text() }})
                then 'entry_hash does not match its fields'
        end as rule
    from {{ ledger }}
{%- endmacro %}
