{#- numerator / denominator for 128-bit integers (numerator >= 0, denominator > 0), rounded
    half away from zero to a whole number, exactly. -#}
{% macro trueup_divide_units(numerator, denominator) -%}
    (
        {{ trueup_int_div(numerator, denominator) }}
        + case
            when 2 * (({{ numerator }}) % ({{ denominator }})) >= ({{ denominator }}) then 1
            else 0
        end
    )
{%- endmacro %}
