{#- The tier (lower_bound, up_to] holds quantity q; q = 0 belongs to tier 1. -#}
{% macro _trueup_tier_contains(quantity, tier, lower_bound, up_to) -%}
    (
        ({{ quantity }} > {{ lower_bound }} and ({{ up_to }} is null or {{ quantity }} <= {{ up_to }}))
        or ({{ quantity }} = 0 and {{ tier }} = 1)
    )
{%- endmacro %}
