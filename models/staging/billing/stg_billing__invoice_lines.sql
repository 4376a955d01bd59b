{#- Every line of every invoice-line export of our own invoicing system visible at as_of,
    typed (same conventions as the FOCUS staging model). -#}

{%- set required = [
    'invoice_id', 'line_id', 'customer_id', 'price_id', 'period_start', 'period_end',
    'quantity', 'amount', 'currency', 'line_type',
] %}

with

-- the exports, read by the engine's reader (the seam)
landed as (
    {{ trueup_read_invoice_lines(source('billing', 'invoice_lines'), required, []) }}
),

cleaned as (
    select
        source_file,
        line_number,
        export_date,
    {%- for column in required %}
        {{ trueup_null_token(adapter.quote(column)) }} as {{ column }}
        {{- ',' if not loop.last }}
    {%- endfor %}
    from landed
),

final as (
    select
        'invoice_lines' as source_system,
        source_file,
        line_number,
        export_date,
        invoice_id,
        line_id,
        customer_id as provider_account_id,
        price_id as provider_sku_id,
        line_type,
        coalesce(lower(line_type) in ('usage', 'correction'), false) as is_usage_line,
        coalesce(lower(line_type) = 'correction', false) as is_correction,
        coalesce(lower(line_type) not in ('usage', 'correction', 'tax', 'credit'), true)
            as is_nonstandard_value,
        {{ trueup_parse_billing_timestamp('period_start') }} as period_start_at,
        {{ trueup_parse_billing_timestamp('period_end') }} as period_end_at,
        {{ trueup_parse_billing_decimal('quantity') }} as quantity,
        {{ trueup_parse_billing_decimal('amount') }} as amount,
        upper(currency) as currency,
        period_start as period_start_text,
        amount as amount_text,
        quantity as quantity_text
    from cleaned
)

select * from final
