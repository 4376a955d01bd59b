{#- Deprecated name of fct_build_log (issue 20), kept as a view for one release: the
    same rows and columns. Read fct_build_log. -#}
{{ config(materialized='view') }}

{#- A warehouse built before the rename keeps the build_log books in a table of this name: the
    pre-hook copies every row of it that fct_build_log lacks into fct_build_log before this view
    replaces the table (trueup_carry_legacy_books). -#}
{{ config(pre_hook="{{ trueup_carry_legacy_books(ref('fct_build_log')) }}") }}

select * from {{ ref('fct_build_log') }}
