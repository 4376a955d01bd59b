{#- Each rate-card row's columns fit its pricing model: per_unit and package have one row
    (tier 1); package has a package_size > 0; package_size and free_quantity are for package
    only; prices, fees and free quantities are not negative. Fails naming the contract,
    version, meter, tier and the rule broken. -#}
{% test rate_card_columns_fit_pricing_model(model) %}
{%- set failures -%}
    with

    rows_per_meter as (
        select
            *,
            count(*) over (partition by contract_id, contract_version, meter) as tiers
        from {{ model }}
    ),

    broken as (
        select
            *,
            case
                when unit_price is null then 'unit_price is missing'
                when unit_price < 0 then 'unit_price is negative'
                when flat_fee < 0 then 'flat_fee is negative'
                when free_quantity < 0 then 'free_quantity is negative'
                when pricing_model in ('per_unit', 'package') and (tiers > 1 or tier <> 1)
                    then pricing_model || ' takes exactly one row, tier 1'
                when pricing_model = 'package' and (package_size is null or package_size <= 0)
                    then 'package needs a package_size > 0'
                when pricing_model <> 'package'
                    and (package_size is not null or coalesce(free_quantity, 0) <> 0)
                    then 'package_size and free_quantity are for package pricing only'
            end as rule
        from rows_per_meter
    )

    select
        {{ trueup_rate_card_row_label(tier=true) }} || ': ' || rule as message
    from broken
    where rule is not null
{%- endset -%}
{{ trueup_fail_with_messages(failures, 'rate card columns') }}
{% endtest %}
