{#- Deprecated name of fct_usage_quarantine (issue 20), a view of it kept for one release. -#}

select * from {{ ref('fct_usage_quarantine') }}
