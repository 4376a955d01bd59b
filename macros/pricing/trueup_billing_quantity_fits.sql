{#- True when a billing line's quantity (DECIMAL(38, 15)) × its SKU's quantity_factor
    (DECIMAL(38, 9)) stays below 10^14 in absolute value: the exact product has 24 decimals, so
    DECIMAL(38) leaves it 14 integer digits. Decided exactly on 128-bit integer units (quantity in
    10^-15, factor in 10^-9: the product must stay below 10^38) without multiplying, so that no
    step can overflow. NULL when either side is NULL. -#}
{% macro trueup_billing_quantity_fits(quantity, factor) -%}
    (
        {{ trueup_decimal_units('abs(' ~ factor ~ ')', 9) }} = 0
        or {{ trueup_decimal_units('abs(' ~ quantity ~ ')', 15) }}
        <= {{ trueup_int_div(
            "cast('99999999999999999999999999999999999999' as " ~ trueup_type_bigint128() ~ ")",
            trueup_decimal_units('abs(' ~ factor ~ ')', 9)
        ) }}
    )
{%- endmacro %}
