{#- least(left × right, cap) for non-negative DECIMALs below 10^29 with at most 9 decimals,
    exactly, as DECIMAL(38, 18), for a cap below 10^15: a bound that a guard compares with a
    limit, where the product itself may not fit 38 digits. Each factor is counted in 10^-9 units
    (A, B, exact 128-bit integers): when their digits add up to 35 or more, A × B >= 10^33, so
    left × right >= 10^15 and the result is `cap`; otherwise left × right < 10^16 and is
    multiplied exactly. No floating point, no overflow. -#}
{% macro trueup_capped_product(left, right, cap) -%}
    {%- set money = 'decimal(38, 18)' -%}
    {%- set a = 'cast(' ~ left ~ ' as decimal(38, 9))' -%}
    {%- set b = 'cast(' ~ right ~ ' as decimal(38, 9))' -%}
    case
        when {{ a }} = 0 or {{ b }} = 0 then cast(0 as {{ money }})
        when length(cast({{ trueup_decimal_units(a, 9) }} as {{ dbt.type_string() }}))
            + length(cast({{ trueup_decimal_units(b, 9) }} as {{ dbt.type_string() }})) >= 35
            then cast({{ cap }} as {{ money }})
        else least(cast({{ a }} * {{ b }} as {{ money }}), cast({{ cap }} as {{ money }}))
    end
{%- endmacro %}
