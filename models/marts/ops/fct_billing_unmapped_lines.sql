{#- Every billing line that could not be reconciled against a meter, with why: unknown
    account, no account mapping valid on the charge date, unknown SKU, or a date or amount that
    cannot be read. Nothing is dropped: these lines count in the tie-out. -#}

with

lines as (
    select * from {{ ref('int_billing_lines_mapped') }}
),

final as (
    select
        source_system,
        source_file,
        line_number,
        export_date,
        invoice_id,
        provider_account_id,
        provider_sku_id,
        charge_type,
        charge_period_start,
        period_start,
        provider_quantity,
        amount,
        currency,
        unmapped_reason,
        charge_period_start_text,
        amount_text
    from lines
    where bucket = 'unmapped'
)

select * from final
