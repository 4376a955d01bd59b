{#- Deprecated name of fct_billing_unmapped_lines (issue 20), kept as a view for one release: the
    same rows and columns. Read fct_billing_unmapped_lines. -#}
{{ config(materialized='view') }}

select * from {{ ref('fct_billing_unmapped_lines') }}
