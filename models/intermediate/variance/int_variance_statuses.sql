{#- The variance statuses (seed variance_statuses) in precedence order, with whether a key of
    the status is an exception and whether the ledger books it. Grain: status. -#}

with

statuses as (
    select * from {{ ref('variance_statuses') }}
),

final as (
    select
        status,
        precedence,
        is_exception,
        is_bookable,
        description
    from statuses
)

select * from final
