{#- Every tenant and meter of the marts behind the metrics has its row in the dimension marts
    (dim_tenants, dim_meters): a missing one would group its figures under NULL attributes
    (`tenant__contract_currency`, `meter__unit`, ...) in metric queries. -#}

with

expected_charges as (
    select * from {{ ref('fct_expected_charges') }}
),

billed_charges as (
    select * from {{ ref('fct_billed_charges') }}
),

trueup_variance as (
    select * from {{ ref('fct_trueup_variance') }}
),

post_close_deltas as (
    select * from {{ ref('fct_post_close_deltas') }}
),

tenants as (
    select * from {{ ref('dim_tenants') }}
),

meters as (
    select * from {{ ref('dim_meters') }}
),

fact_keys as (
    select
        'fct_expected_charges' as model_name,
        tenant_id,
        meter
    from expected_charges

    union

    select
        'fct_billed_charges' as model_name,
        tenant_id,
        meter
    from billed_charges

    union

    select
        'fct_trueup_variance' as model_name,
        tenant_id,
        meter
    from trueup_variance

    union

    select
        'fct_post_close_deltas' as model_name,
        tenant_id,
        meter
    from post_close_deltas
),

uncovered as (
    select
        fact_keys.model_name,
        fact_keys.tenant_id,
        fact_keys.meter,
        tenants.tenant_id is null as is_tenant_missing,
        meters.meter is null as is_meter_missing
    from fact_keys
    left join tenants
        on fact_keys.tenant_id = tenants.tenant_id
    left join meters
        on fact_keys.meter = meters.meter
    where tenants.tenant_id is null or meters.meter is null
)

select * from uncovered
