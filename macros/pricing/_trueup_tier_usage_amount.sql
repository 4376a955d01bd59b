{#- What one rate-card tier charges for a segment quantity, before flat fees and discount,
    DECIMAL(38, 18) (exact: quantities and prices carry 9 decimals). Tier i covers quantities in
    (lower_bound, up_to], lower_bound being the previous tier's up_to (0 for tier 1).
    - per_unit:  q × unit_price
    - graduated: max(0, min(q, up_to) − lower_bound) × unit_price, summed over the tiers
    - volume:    q × unit_price of the tier that contains q (tier 1 when q = 0), 0 elsewhere
    - package:   ceil(max(0, q − free_quantity) / package_size) × unit_price
    Every branch is cast on its own: CASE would otherwise unify the branches' DECIMAL types to
    the smallest common scale and round. -#}
{% macro _trueup_tier_usage_amount(
    pricing_model, quantity, tier, lower_bound, up_to, unit_price, package_size, free_quantity
) -%}
    {%- set money = 'decimal(38, 18)' -%}
    case {{ pricing_model }}
        when 'per_unit' then cast({{ quantity }} * {{ unit_price }} as {{ money }})
        when 'graduated' then
            case
                when {{ quantity }} > {{ lower_bound }}
                    then cast(
                        (
                            least({{ quantity }}, coalesce({{ up_to }}, {{ quantity }}))
                            - {{ lower_bound }}
                        ) * {{ unit_price }}
                        as {{ money }}
                    )
                else cast(0 as {{ money }})
            end
        when 'volume' then
            case
                when {{ _trueup_tier_contains(quantity, tier, lower_bound, up_to) }}
                    then cast({{ quantity }} * {{ unit_price }} as {{ money }})
                else cast(0 as {{ money }})
            end
        when 'package' then
            cast(
                {{ trueup_ceil_divide(
                    'greatest(' ~ quantity ~ ' - coalesce(' ~ free_quantity ~ ', 0), 0)',
                    package_size
                ) }} * {{ unit_price }}
                as {{ money }}
            )
    end
{%- endmacro %}
