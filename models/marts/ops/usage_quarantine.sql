{#- Deprecated name of fct_usage_quarantine (issue 20), kept as a view for one release: the
    same rows and columns. Read fct_usage_quarantine. -#}
{{ config(materialized='view') }}

select * from {{ ref('fct_usage_quarantine') }}
