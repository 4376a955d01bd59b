{#- Each rate-card meter of a contract version: one pricing model; tiers numbered 1..n;
    `up_to` strictly increasing; only the last tier unbounded (and the last tier unbounded).
    Fails naming the contract, version, meter, tier and the rule broken. -#}
{% test rate_card_tiers_are_well_formed(model) %}
{%- set failures -%}
    with

    ordered as (
        select
            contract_id,
            contract_version,
            meter,
            pricing_model,
            tier,
            up_to,
            lag(up_to) over (
                partition by contract_id, contract_version, meter order by tier
            ) as previous_up_to,
            row_number() over (
                partition by contract_id, contract_version, meter order by tier
            ) as position,
            count(*) over (partition by contract_id, contract_version, meter) as tiers,
            count(distinct pricing_model) over (
                partition by contract_id, contract_version, meter
            ) as pricing_models
        from {{ model }}
    ),

    broken as (
        select
            *,
            case
                when pricing_models > 1 then 'mixes pricing models'
                when tier <> position then 'tiers are not numbered 1..' || cast(tiers as varchar)
                when position < tiers and up_to is null
                    then 'only the last tier may be unbounded (empty up_to)'
                when position = tiers and up_to is not null
                    then 'the last tier must be unbounded (empty up_to)'
                when up_to <= previous_up_to or up_to <= 0
                    then 'up_to must increase from tier to tier and be > 0'
            end as rule
        from ordered
    )

    select
        {{ trueup_rate_card_row_label(tier=true) }} || ': ' || rule as message
    from broken
    where rule is not null
{%- endset -%}
{{ trueup_fail_with_messages(failures, 'rate card tiers') }}
{% endtest %}
