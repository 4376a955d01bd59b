{#- ceil(numerator / denominator) for DECIMALs with at most 9 decimals, numerator >= 0 and
    denominator > 0, exactly, as DECIMAL(38, 0). (package pricing: packages started) -#}
{% macro trueup_ceil_divide(numerator, denominator) -%}
    {%- set n = trueup_decimal_units(numerator, 9) -%}
    {%- set d = trueup_decimal_units(denominator, 9) -%}
    cast({{ trueup_int_div(n ~ ' + ' ~ d ~ ' - 1', d) }} as decimal(38, 0))
{%- endmacro %}
