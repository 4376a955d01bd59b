{#- Every visible billing line of both export formats, on one shape, attributed to the month
    of its charge period start (a correction issued later counts for the original month),
    mapped to tenant (account map valid on the charge date) and meter (SKU map, quantity
    converted by the factor), and sorted into one bucket: `reconciled_usage`, `non_usage`
    (tax, credit, purchase, adjustment, ...) or `unmapped` with the reason. -#}

-- the reasons the CASE below gives are the billing rows of the seed quarantine_reasons (the
-- marts' tests read them there, and run before any close since this model is upstream of it)
-- depends_on: {{ ref('quarantine_reasons') }}

{#- a line's identity and provenance: the same columns in both export formats and here -#}
{%- set line_columns = [
    'source_system', 'source_file', 'line_number', 'export_date', 'invoice_id',
    'provider_account_id', 'provider_sku_id',
] %}

with

focus_lines as (
    select * from {{ ref('stg_billing__focus_lines') }}
),

invoice_lines as (
    select * from {{ ref('stg_billing__invoice_lines') }}
),

account_map as (
    select * from {{ ref('account_map') }}
),

meter_map as (
    select * from {{ ref('meter_map') }}
),

lines as (
    select
        {{ line_columns | join(',\n        ') }},
        charge_category as charge_type,
        is_usage_line,
        is_correction,
        is_nonstandard_value,
        charge_period_start,
        consumed_quantity as quantity,
        billed_cost as amount,
        currency,
        charge_period_start_text,
        billed_cost_text as amount_text,
        consumed_quantity_text as quantity_text
    from focus_lines

    union all

    select
        {{ line_columns | join(',\n        ') }},
        line_type as charge_type,
        is_usage_line,
        is_correction,
        is_nonstandard_value,
        period_start_at as charge_period_start,
        quantity,
        amount,
        currency,
        period_start_text as charge_period_start_text,
        amount_text,
        quantity_text
    from invoice_lines
),

known_accounts as (
    select distinct
        source_system,
        provider_account_id
    from account_map
),

mapped as (
    select
        lines.*,
        cast({{ dbt.date_trunc('month', 'lines.charge_period_start') }} as date)
            as period_start,
        account_map.tenant_id,
        meter_map.meter,
        meter_map.quantity_factor,
        known_accounts.provider_account_id is not null as is_known_account,
        coalesce(
            {{ trueup_billing_quantity_fits('lines.quantity', 'meter_map.quantity_factor') }},
            true
        ) as is_quantity_in_range
    from lines
    left join known_accounts
        on lines.source_system = known_accounts.source_system
        and lines.provider_account_id = known_accounts.provider_account_id
    left join account_map
        on lines.source_system = account_map.source_system
        and lines.provider_account_id = account_map.provider_account_id
        and account_map.valid_from <= cast(lines.charge_period_start as date)
        and (
            account_map.valid_to is null
            or account_map.valid_to > cast(lines.charge_period_start as date)
        )
    left join meter_map
        on lines.source_system = meter_map.source_system
        and lines.provider_sku_id = meter_map.provider_sku_id
),

classified as (
    select
        *,
        case
            when charge_period_start is null then 'unreadable_date'
            when amount is null and {{ trueup_is_decimal_text('amount_text') }}
                then 'value_out_of_range'
            when amount is null then 'unreadable_amount'
            when quantity is null and {{ trueup_is_decimal_text('quantity_text') }}
                then 'value_out_of_range'
            when not is_quantity_in_range then 'value_out_of_range'
            when not is_usage_line then null
            -- a usage line's quantity that is present but not a number cannot be reconciled
            when quantity is null and quantity_text is not null then 'unreadable_quantity'
            when not is_known_account then 'unknown_account'
            when tenant_id is null then 'no_account_mapping_on_date'
            when meter is null then 'unknown_sku'
        end as unmapped_reason
    from mapped
),

final as (
    select
        {{ line_columns | join(',\n        ') }},
        charge_type,
        is_usage_line,
        is_correction,
        is_nonstandard_value,
        charge_period_start,
        period_start,
        tenant_id,
        meter,
        quantity as provider_quantity,
        case
            when is_quantity_in_range
                then cast(quantity * quantity_factor as decimal(38, 15))
        end as quantity,
        amount,
        currency,
        case
            when unmapped_reason is not null then 'unmapped'
            when is_usage_line then 'reconciled_usage'
            else 'non_usage'
        end as bucket,
        unmapped_reason,
        charge_period_start_text,
        amount_text,
        quantity_text
    from classified
)

select * from final
