{#- Deprecated name of fct_ledger_heads (issue 20), a view of it kept for one release. -#}

select * from {{ ref('fct_ledger_heads') }}
