{#- What the billing system or provider actually billed for usage, per period × tenant × meter:
    the key's reconciled usage lines, corrections included as further lines
    (int_billed_usage_keys). -#}

with

billed as (
    select * from {{ ref('int_billed_usage_keys') }}
),

final as (
    select
        period_start,
        tenant_id,
        meter,
        billed_quantity,
        billed_amount,
        currency,
        line_count,
        correction_amount,
        correction_line_count
    from billed
)

select * from final
