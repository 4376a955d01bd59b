{#-
    What fct_billed_charges reports as billed equals what the export files' tie-out counts as
    reconciled usage, in total: no reconciled line is lost or counted twice
    between the line level and the period x tenant x meter level.
-#}

with

billed as (
    select coalesce(sum(billed_amount), 0) as billed_amount
    from {{ ref('fct_billed_charges') }}
),

tied_out as (
    select coalesce(sum(reconciled_usage_amount), 0) as reconciled_usage_amount
    from {{ ref('fct_billing_tieout') }}
)

select
    billed.billed_amount,
    tied_out.reconciled_usage_amount
from billed
cross join tied_out
where billed.billed_amount <> tied_out.reconciled_usage_amount
