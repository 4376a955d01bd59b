{#- round(amount × (1 − discount_pct / 100), 2), half away from zero, exactly, as
    DECIMAL(38, 2): rounding x / 100 to cents is rounding x to a whole number, then / 100.
    For amounts below 10^14 in absolute value (the exact product, 22 decimals, fits 38 digits). -#}
{% macro trueup_discounted_amount(amount, discount_pct) -%}
    cast(
        round(
            cast({{ amount }} as decimal(38, 18))
            * (100 - coalesce(cast({{ discount_pct }} as decimal(9, 4)), 0)),
            0
        ) * cast(0.01 as decimal(3, 2))
        as decimal(38, 2)
    )
{%- endmacro %}
