{#- The reconciliation tolerances in force per meter: each meter row of the seed with the `*`
    row's value wherever it leaves one empty, plus the `*` row itself (the default of every
    meter without a row). Grain: meter. A reader takes a key's tolerances in one step, with no
    default of its own: the row of the key's meter if there is one, else the `*` row (join on
    `coalesce(meter_tolerances.meter, '*')`, as fct_trueup_variance and the ledger do). -#}

with

tolerances as (
    select * from {{ ref('reconciliation_tolerances') }}
),

default_tolerance as (
    select
        abs_tolerance,
        pct_tolerance,
        auto_adjust_limit
    from tolerances
    where meter = '*'
),

final as (
    select
        tolerances.meter,
        coalesce(tolerances.abs_tolerance, default_tolerance.abs_tolerance) as abs_tolerance,
        coalesce(tolerances.pct_tolerance, default_tolerance.pct_tolerance) as pct_tolerance,
        coalesce(tolerances.auto_adjust_limit, default_tolerance.auto_adjust_limit)
            as auto_adjust_limit
    from tolerances
    cross join default_tolerance
)

select * from final
