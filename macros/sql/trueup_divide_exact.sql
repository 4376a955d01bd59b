{#- A non-negative DECIMAL (at most `scale` decimals) divided by a positive whole number,
    rounded half away from zero to `scale` decimals, exactly (DECIMAL(38, scale)).
    Used for prorations (amount × days / days of the month). -#}
{% macro trueup_divide_exact(numerator, denominator, scale=18) -%}
    {{ trueup_units_to_decimal(
        trueup_divide_units(
            trueup_decimal_units(numerator, scale),
            'cast(' ~ denominator ~ ' as ' ~ trueup_type_bigint128() ~ ')'
        ),
        scale
    ) }}
{%- endmacro %}
