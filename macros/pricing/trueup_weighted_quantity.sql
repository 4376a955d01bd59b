{#- quantity / sample_rate rounded half away from zero to 9 decimals, exactly.
    DECIMAL / DECIMAL is not exact on every engine (DuckDB returns DOUBLE), so this is integer
    division on scaled integers: q in 10^-9 units, r (0 < r <= 1, DECIMAL(38, 18)) in 10^-18
    units; q / r in 10^-9 units = q_units * 10^18 / r_units. Both inputs are >= 0.
    Below 4e10, 2n + d stays below 10^38, so trueup_divide_units rounds with one division and
    the units come from one multiplication each (trueup_small_decimal_units). Larger
    quantities take two steps (whole part, then the remainder) so that no intermediate
    exceeds 38 digits. Returns DECIMAL(38, 9). -#}
{% macro trueup_weighted_quantity(quantity, sample_rate) -%}
    {%- set r_units = trueup_small_decimal_units(sample_rate, 18) -%}
    {%- set q_units = trueup_decimal_units(quantity, 9) -%}
    {%- set r_units_split = trueup_decimal_units(sample_rate, 18) -%}
    {%- set remainder_scaled = '((' ~ q_units ~ ' % ' ~ r_units_split ~ ') * 1000000000000000000)' -%}
    case
        when {{ quantity }} < 40000000000
            then {{ trueup_units_to_decimal(
                trueup_divide_units(
                    trueup_small_decimal_units(quantity, 9) ~ ' * 1000000000000000000',
                    r_units,
                    small_numerator=true
                ),
                9
            ) }}
        else {{ trueup_units_to_decimal(
            trueup_int_div(q_units, r_units_split) ~ ' * 1000000000000000000 + '
            ~ trueup_divide_units(remainder_scaled, r_units_split),
            9
        ) }}
    end
{%- endmacro %}
