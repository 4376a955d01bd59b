{#- What the billing system or provider actually billed for usage, per period × tenant × meter:
    the key's reconciled usage lines, corrections included as further lines. -#}

with

lines as (
    select * from {{ ref('int_billing_lines_mapped') }}
    where bucket = 'reconciled_usage'
),

final as (
    select
        period_start,
        tenant_id,
        meter,
        cast(sum(quantity) as decimal(38, 15)) as billed_quantity,
        cast(sum(amount) as decimal(38, 15)) as billed_amount,
        {{ dbt.listagg('distinct currency', "','", 'order by currency') }} as currency,
        count(*) as line_count,
        cast(
            coalesce(sum(case when is_correction then amount end), 0) as decimal(38, 15)
        ) as correction_amount,
        count(case when is_correction then 1 end) as correction_line_count
    from lines
    group by period_start, tenant_id, meter
)

select * from final
