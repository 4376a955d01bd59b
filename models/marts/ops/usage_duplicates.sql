{#- Deprecated name of fct_usage_duplicates (issue 20), kept as a view for one release: the
    same rows and columns. Read fct_usage_duplicates. -#}
{{ config(materialized='view') }}

select * from {{ ref('fct_usage_duplicates') }}
