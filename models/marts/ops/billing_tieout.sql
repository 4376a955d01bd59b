{#- Deprecated name of fct_billing_tieout (issue 20), a view of it kept for one release. -#}

select * from {{ ref('fct_billing_tieout') }}
