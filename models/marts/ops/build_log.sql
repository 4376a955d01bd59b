{#- Deprecated name of fct_build_log (issue 20), a view of it kept for one release. -#}

select * from {{ ref('fct_build_log') }}
