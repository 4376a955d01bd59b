{#- The tenants the marts know (a contract, visible usage or a mapped billing line), with the
    attributes of their current contract version as of the build: the version in force on the
    as_of date, else the latest that started before it (an ended contract), else the first that
    starts later. MetricFlow's `tenant` entity reads it (semantic model `tenants`). -#}

with

contracts as (
    select * from {{ ref('stg_reference__contracts') }}
),

usage_days as (
    select * from {{ ref('fct_usage_daily') }}
),

billing_lines as (
    select * from {{ ref('int_billing_lines_mapped') }}
),

tenants as (
    select tenant_id from contracts
    union
    select tenant_id from usage_days
    union
    select tenant_id from billing_lines
    where tenant_id is not null
),

versions_ranked as (
    select
        contracts.tenant_id,
        contracts.contract_id,
        contracts.contract_version,
        contracts.currency,
        contracts.discount_pct,
        contracts.minimum_commitment,
        contracts.effective_from <= cast({{ trueup_as_of_sql() }} as date)
        and (
            contracts.effective_to is null
            or contracts.effective_to > cast({{ trueup_as_of_sql() }} as date)
        ) as is_in_force,
        row_number() over (
            partition by contracts.tenant_id
            order by
                case
                    when contracts.effective_from <= cast({{ trueup_as_of_sql() }} as date)
                        then 0
                    else 1
                end,
                case
                    when contracts.effective_from <= cast({{ trueup_as_of_sql() }} as date)
                        then contracts.effective_from
                end desc,
                contracts.effective_from,
                contracts.contract_id,
                contracts.contract_version
        ) as version_rank
    from contracts
),

current_versions as (
    select *
    from versions_ranked
    where version_rank = 1
),

contract_history as (
    select
        tenant_id,
        min(effective_from) as first_contract_date
    from contracts
    group by tenant_id
),

final as (
    select
        tenants.tenant_id,
        current_versions.contract_id,
        current_versions.contract_version,
        current_versions.currency as contract_currency,
        current_versions.discount_pct,
        current_versions.minimum_commitment,
        current_versions.contract_id is not null as has_contract,
        coalesce(current_versions.is_in_force, false) as is_under_contract,
        coalesce(current_versions.minimum_commitment > 0, false) as has_minimum_commitment,
        contract_history.first_contract_date
    from tenants
    left join current_versions
        on tenants.tenant_id = current_versions.tenant_id
    left join contract_history
        on tenants.tenant_id = contract_history.tenant_id
)

select * from final
