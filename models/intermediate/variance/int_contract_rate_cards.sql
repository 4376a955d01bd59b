{#- The contract terms the true-up compares against: per reported period, every segment of a
    contract version in force (tenant, currency) with each meter of that version's rate card and
    the rate card as text (`rate_card`, part of the variance's contract fingerprint). A version
    without any rate-card row keeps one row with meter NULL. Grain: period_start × contract_id ×
    contract_version × segment_start × meter. -#}

with

segments as (
    select * from {{ ref('int_contract_segments_split') }}
),

rates as (
    select * from {{ ref('stg_reference__contract_rates') }}
),

rate_digests as (
    -- what a version's rate card says for a meter, as text
    select
        contract_id,
        contract_version,
        meter,
        {{ dbt.listagg(
            "concat_ws('/', pricing_model, cast(tier as varchar), cast(up_to as varchar),"
            ~ " cast(unit_price as varchar), cast(flat_fee as varchar),"
            ~ " cast(package_size as varchar), cast(free_quantity as varchar))",
            "';'",
            'order by tier'
        ) }} as rate_card
    from rates
    group by contract_id, contract_version, meter
),

final as (
    select
        segments.period_start,
        segments.tenant_id,
        segments.contract_id,
        segments.contract_version,
        segments.segment_start,
        segments.currency,
        rate_digests.meter,
        rate_digests.rate_card
    from segments
    left join rate_digests
        on segments.contract_id = rate_digests.contract_id
        and segments.contract_version = rate_digests.contract_version
)

select * from final
