{#- quantity / sample_rate rounded half away from zero to 9 decimals, exactly.
    DECIMAL / DECIMAL is not exact on every engine (DuckDB returns DOUBLE), so this is long
    division on scaled integers: q in 10^-9 units, r (0 < r <= 1, DECIMAL(38, 18)) in 10^-18
    units; q / r in 10^-9 units = q_units * 10^18 / r_units, computed in two steps so that no
    intermediate exceeds 128 bits (one step when the quantity is small enough). Both inputs
    are >= 0. Returns DECIMAL(38, 9). -#}
{% macro trueup_weighted_quantity(quantity, sample_rate) -%}
    {%- set q_units = trueup_decimal_units(quantity, 9) -%}
    {%- set r_units = trueup_decimal_units(sample_rate, 18) -%}
    {%- set remainder_scaled = '((' ~ q_units ~ ' % ' ~ r_units ~ ') * 1000000000000000000)' -%}
    case
        -- below 8.5e10, q_units * 10^18 (and twice it) fits in 128 bits: one rounded division
        when {{ quantity }} < 85000000000
            then {{ trueup_units_to_decimal(
                trueup_divide_units(q_units ~ ' * 1000000000000000000', r_units), 9
            ) }}
        else {{ trueup_units_to_decimal(
            trueup_int_div(q_units, r_units) ~ ' * 1000000000000000000 + '
            ~ trueup_divide_units(remainder_scaled, r_units),
            9
        ) }}
    end
{%- endmacro %}
