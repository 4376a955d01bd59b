{#- One row per dbt build or run that rebuilt the true-up variance (replays and builds that
    may not close included): its as_of, so that `trueup summary` and `trueup check` know at
    which as_of the marts were last built. Append-only, never rewritten (config in _ops__models.yml). -#}
{%- set close = trueup_close_context(
    [[ref('fct_adjustment_ledger'), 'booked_at'], [ref('fct_variance_at_close'), 'closed_at']]
) %}

-- the row of a build is written after that build's closes and ledger entries (the books the
-- close context above refs): part of the close process, so `dbt build` runs it after them

with

variance as (
    select * from {{ ref('fct_trueup_variance') }}
),

variance_rows as (
    select count(*) as variance_rows
    from variance
),

final as (
    select
        {{ trueup_build_stamp_columns() }},
        '{{ flags.WHICH }}' as command,
        {{ 'true' if close.allowed else 'false' }} as may_close,
        variance_rows.variance_rows
    from variance_rows
)

select * from final
