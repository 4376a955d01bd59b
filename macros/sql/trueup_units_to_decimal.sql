{#- A 128-bit integer count of 10^-scale units back to DECIMAL(38, scale). -#}
{% macro trueup_units_to_decimal(units, scale) -%}
    cast(
        cast({{ units }} as decimal(38, 0)) * cast({{ '0.' ~ '0' * (scale - 1) ~ '1' }} as decimal({{ scale + 1 }}, {{ scale }}))
        as decimal(38, {{ scale }})
    )
{%- endmacro %}
