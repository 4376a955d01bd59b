{#- The flat fee one tier adds for a segment quantity (per full month, before proration):
    per_unit and package: always; graduated: tier 1 always, tier i > 1 once q > its lower bound;
    volume: only the tier that contains q. -#}
{% macro _trueup_tier_flat_fee(pricing_model, quantity, tier, lower_bound, up_to, flat_fee) -%}
    case
        when {{ pricing_model }} in ('per_unit', 'package') then coalesce({{ flat_fee }}, 0)
        when {{ pricing_model }} = 'graduated'
            and ({{ tier }} = 1 or {{ quantity }} > {{ lower_bound }})
            then coalesce({{ flat_fee }}, 0)
        when {{ pricing_model }} = 'volume'
            and {{ _trueup_tier_contains(quantity, tier, lower_bound, up_to) }}
            then coalesce({{ flat_fee }}, 0)
        else 0
    end
{%- endmacro %}
