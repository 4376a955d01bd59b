{#- Every line of every FinOps FOCUS (1.0-1.2) export visible at as_of, typed. Export files are
    small and may be corrected by later exports, so each build reads all visible files. Empty
    fields and the tokens NULL, None, NA, N/A are nulls; values outside FOCUS's allowed lists
    are kept and flagged; amounts keep 15 decimals; a value that cannot be read, or an amount or
    quantity not below 10^15 in absolute value, is NULL here and reported downstream. -#}

{%- set required = [
    'BillingAccountId', 'ChargePeriodStart', 'ChargePeriodEnd', 'ChargeCategory', 'BilledCost',
    'BillingCurrency', 'SkuId',
] -%}
{%- set optional = [
    'SubAccountId', 'ProviderName', 'BillingPeriodStart', 'ChargeClass', 'ConsumedQuantity',
    'ConsumedUnit', 'EffectiveCost', 'InvoiceId',
] -%}
{%- set column_names = {
    'BillingAccountId': 'billing_account_id',
    'ChargePeriodStart': 'charge_period_start',
    'ChargePeriodEnd': 'charge_period_end',
    'ChargeCategory': 'charge_category',
    'BilledCost': 'billed_cost',
    'BillingCurrency': 'billing_currency',
    'SkuId': 'sku_id',
    'SubAccountId': 'sub_account_id',
    'ProviderName': 'provider_name',
    'BillingPeriodStart': 'billing_period_start',
    'ChargeClass': 'charge_class',
    'ConsumedQuantity': 'consumed_quantity',
    'ConsumedUnit': 'consumed_unit',
    'EffectiveCost': 'effective_cost',
    'InvoiceId': 'invoice_id',
} %}

with

-- the exports, read by the engine's reader (the seam)
landed as (
    {{ trueup_read_focus_lines(source('billing', 'focus_lines'), required, optional) }}
),

cleaned as (
    select
        source_file,
        line_number,
        export_date,
    {%- for column in required + optional %}
        {{ trueup_null_token(adapter.quote(column)) }} as {{ column_names[column] }}
        {{- ',' if not loop.last }}
    {%- endfor %}
    from landed
),

final as (
    select
        'focus' as source_system,
        source_file,
        line_number,
        export_date,
        invoice_id,
        provider_name,
        billing_account_id,
        coalesce(sub_account_id, billing_account_id) as provider_account_id,
        sku_id as provider_sku_id,
        charge_category,
        charge_class,
        coalesce(lower(charge_category) = 'usage', false) as is_usage_line,
        coalesce(lower(charge_class) = 'correction', false) as is_correction,
        coalesce(
            lower(charge_category) not in ('usage', 'purchase', 'tax', 'credit', 'adjustment'),
            true
        )
        or coalesce(lower(charge_class) <> 'correction', false) as is_nonstandard_value,
        {{ trueup_parse_billing_timestamp('charge_period_start') }} as charge_period_start,
        {{ trueup_parse_billing_timestamp('charge_period_end') }} as charge_period_end,
        {{ trueup_parse_billing_timestamp('billing_period_start') }} as billing_period_start,
        {{ trueup_parse_billing_decimal('consumed_quantity') }} as consumed_quantity,
        consumed_unit,
        {{ trueup_parse_billing_decimal('billed_cost') }} as billed_cost,
        {{ trueup_parse_billing_decimal('effective_cost') }} as effective_cost,
        upper(billing_currency) as currency,
        charge_period_start as charge_period_start_text,
        billed_cost as billed_cost_text,
        consumed_quantity as consumed_quantity_text
    from cleaned
)

select * from final
