{#- The meters the marts report: every meter of the `meters` seed with its unit and
    aggregation, plus the pseudo-meter `commitment_true_up` of the minimum-commitment shortfall
    lines (no unit, no aggregation). MetricFlow's `meter` entity reads it (semantic model
    `meters`). -#}

with

meters as (
    select * from {{ ref('meters') }}
),

seed_meters as (
    select
        trim(meter) as meter,
        'usage' as meter_type,
        trim(unit) as unit,
        lower(trim(aggregation)) as aggregation,
        description
    from meters
),

commitment_meter as (
    select
        'commitment_true_up' as meter,
        'commitment_true_up' as meter_type,
        cast(null as varchar) as unit,
        cast(null as varchar) as aggregation,
        'Minimum-commitment shortfall of a contract in a period (a pseudo-meter, in the'
        || ' contract currency).' as description
),

final as (
    select * from seed_meters
    union all
    select * from commitment_meter
)

select * from final
