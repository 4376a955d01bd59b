{#- numerator / denominator × 100, rounded half away from zero to 4 decimals, exactly, as
    DECIMAL(38, 4); NULL when the denominator is 0. Both are DECIMALs with at most 15
    decimals (any sign). -#}
{% macro trueup_percentage(numerator, denominator) -%}
    case
        when {{ denominator }} = 0 then null
        else cast(
            sign({{ numerator }}) * sign({{ denominator }})
            * {{ trueup_units_to_decimal(
                trueup_divide_units(
                    trueup_decimal_units('abs(' ~ numerator ~ ')', 15) ~ ' * 1000000',
                    trueup_decimal_units('abs(' ~ denominator ~ ')', 15)
                ),
                4
            ) }}
            as decimal(38, 4)
        )
    end
{%- endmacro %}
