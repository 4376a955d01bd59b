{#- A non-negative DECIMAL with at most `scale` decimals as an exact 128-bit integer count of
    10^-scale units (12.5 with scale 9 -> 12500000000). Split into whole and fractional parts so
    that no intermediate DECIMAL overflows. -#}
{% macro trueup_decimal_units(value, scale) -%}
    (
        cast(floor({{ value }}) as {{ trueup_type_bigint128() }}) * {{ 10 ** scale }}
        + cast(({{ value }} - floor({{ value }})) * {{ 10 ** scale }} as {{ trueup_type_bigint128() }})
    )
{%- endmacro %}
