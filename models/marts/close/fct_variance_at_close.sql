{#- The variance rows of each closed period, frozen as they stood in the build that closed it
    (append-only: never rewritten, not even by --full-refresh). A period closes in the first
    build whose as_of reaches its watermark (period end + grace_period_hours); a period that
    enters the reported range after its watermark closes in that build. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        full_refresh=false,
        on_schema_change='fail',
    )
}}

{%- set close = trueup_close_context([[this, 'closed_at']], announce=true) %}

-- Closing waits for the data tests of every model the books rely on: in `dbt build` a failing
-- test of any of them (or of a model upstream of them) skips this model and so every close and
-- booking after it (fct_period_closes, fct_adjustment_ledger, fct_ledger_heads).
-- depends_on: {{ ref('fct_landing_file_incidents') }}
-- depends_on: {{ ref('int_usage_files_loaded') }}
-- depends_on: {{ ref('fct_usage_quarantine') }}
-- depends_on: {{ ref('fct_usage_duplicates') }}
-- depends_on: {{ ref('fct_billed_charges') }}
-- depends_on: {{ ref('fct_billing_tieout') }}
-- depends_on: {{ ref('fct_billing_unmapped_lines') }}
-- depends_on: {{ ref('metricflow_time_spine') }}
-- depends_on: {{ ref('dim_tenants') }}
-- depends_on: {{ ref('dim_meters') }}

with

variance as (
    select * from {{ ref('fct_trueup_variance') }}
),

periods as (
    select * from {{ ref('int_periods_reported') }}
),

{% if is_incremental() %}
already_frozen as (
    select distinct period_start from {{ this }}
),
{% endif %}

closing as (
    select
        periods.period_start,
        {{ trueup_period_watermark('periods.period_start') }} as watermark_at
    from periods
    {%- if is_incremental() %}
    left join already_frozen on periods.period_start = already_frozen.period_start
    {%- endif %}
    where
        {{ trueup_period_watermark('periods.period_start') }} <= {{ trueup_as_of_sql() }}
        {%- if is_incremental() %}
        and already_frozen.period_start is null
        {%- endif %}
        and {{ 'true' if close.allowed else 'false' }}
),

final as (
    select
        variance.period_start,
        variance.tenant_id,
        variance.meter,
        variance.metered_quantity,
        variance.billed_quantity,
        variance.quantity_variance,
        variance.expected_amount,
        variance.billed_amount,
        variance.amount_variance,
        variance.variance_pct,
        variance.currency,
        variance.tolerance,
        variance.auto_adjust_limit,
        variance.status,
        variance.contract_fingerprint,
        closing.watermark_at,
        {{ trueup_as_of_sql() }} as closed_at,
        '{{ invocation_id }}' as invocation_id
    from variance
    inner join closing on variance.period_start = closing.period_start
)

select * from final
