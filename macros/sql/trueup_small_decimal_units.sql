{#- A non-negative DECIMAL(38, scale) value as an exact 128-bit integer count of 10^-scale
    units, by one multiplication: only for values below 10^(38 - 2 * scale), whose product
    still fits the DECIMAL (12.5 with scale 9 -> 12500000000). trueup_decimal_units takes any
    value, at about four times the cost. Spark lowers the scale of a DECIMAL(38, s) product
    (rounding it): its variant will take the split form (docs/macros.md, engine variants). -#}
{% macro trueup_small_decimal_units(value, scale) -%}
    {{ return(adapter.dispatch('trueup_small_decimal_units', 'trueup')(value, scale)) }}
{%- endmacro %}

{% macro default__trueup_small_decimal_units(value, scale) -%}
    cast({{ value }} * {{ 10 ** scale }} as {{ trueup_type_bigint128() }})
{%- endmacro %}
