{#- One row per closed period × currency: when its watermark passed, when it was closed (the
    closing build's as_of) and by which dbt invocation, with the expected and billed totals as
    frozen. Derived from the frozen rows, so a close never exists without them (append-only,
    never rewritten). -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        full_refresh=false,
        on_schema_change='fail',
    )
}}

with

frozen as (
    select * from {{ ref('fct_variance_at_close') }}
),

{% if is_incremental() %}
already_closed as (
    select distinct period_start from {{ this }}
),
{% endif %}

final as (
    select
        frozen.period_start,
        coalesce(frozen.currency, 'n/a') as currency,
        max(frozen.watermark_at) as watermark_at,
        max(frozen.closed_at) as closed_at,
        max(frozen.invocation_id) as invocation_id,
        count(*) as variance_rows,
        cast(sum(frozen.expected_amount) as decimal(38, 2)) as expected_amount,
        cast(sum(frozen.billed_amount) as decimal(38, 15)) as billed_amount
    from frozen
    {%- if is_incremental() %}
    left join already_closed on frozen.period_start = already_closed.period_start
    where already_closed.period_start is null
    {%- endif %}
    group by frozen.period_start, coalesce(frozen.currency, 'n/a')
)

select * from final
