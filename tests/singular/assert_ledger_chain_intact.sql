{#-
    The adjustment ledger's hash chain, recomputed: entry_ids run 1..n without gaps, each
    entry's previous_entry_hash is the entry before's hash (64 zeros for the first), and each
    entry_hash is sha256(previous_entry_hash || its fields). Any edited, inserted or deleted
    entry breaks it: the build stops naming the first bad entry.
-#}

{%- set failures -%}
    with

    checked as (
        {{ trueup_ledger_chain_checks(ref('fct_adjustment_ledger')) }}
    ),

    first_bad as (
        select * from checked
        where rule is not null
        order by entry_id
        limit 1
    )

    select 'first bad entry ' || cast(entry_id as varchar) || ': ' || rule as message
    from first_bad
{%- endset -%}
{{ trueup_fail_with_messages(failures, 'adjustment ledger chain broken') }}
