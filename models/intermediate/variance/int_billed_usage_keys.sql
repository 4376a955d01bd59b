{#- What the billing system or provider actually billed for usage, per period × tenant × meter:
    the key's reconciled usage lines, corrections included as further lines, and the currencies
    of those lines (for the variance's currency_mismatch). Every line's amount is below 10^15
    and quantity below 10^14 (else it is unmapped as `value_out_of_range`), so the sums of fewer
    than 10^8 lines fit DECIMAL(38, 15); a key with more stops the build naming it instead of
    overflowing. The mart fct_billed_charges shows it. -#}

with

lines as (
    select * from {{ ref('int_billing_lines_mapped') }}
    where bucket = 'reconciled_usage'
),

-- a key of 10^8 lines or more stops the build (see the header)
summable_lines as (
    {{ trueup_stop_when(
        'lines', ['period_start', 'tenant_id', 'meter'], 'count(*)', 100000000,
        "'trueup: the billed usage of tenant ' || lines.tenant_id"
        ~ " || ', meter ' || lines.meter"
        ~ " || ', period ' || cast(lines.period_start as " ~ dbt.type_string() ~ ")"
        ~ " || ' has 10^8 billing lines or more: its sums may not fit DECIMAL(38, 15)'"
    ) }}
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
        count(case when is_correction then 1 end) as correction_line_count,
        -- the lines' currencies, an empty one counted as one more: a key whose lines are all in
        -- one currency has line_currency_count 1 and that currency (NULL if empty)
        count(distinct currency) + max(case when currency is null then 1 else 0 end)
            as line_currency_count,
        min(currency) as line_currency
    from summable_lines
    group by period_start, tenant_id, meter
)

select * from final
