{#- numerator / denominator for 128-bit integers (numerator >= 0, denominator > 0), rounded
    half away from zero to a whole number, exactly. The general form divides twice (quotient,
    then the remainder decides the rounding) and needs only 2 × remainder to fit. With
    `small_numerator`, the caller guarantees that 2 × numerator + denominator and 2 × denominator
    stay below 10^38 (DECIMAL(38, 0) on every engine): then one division does it, (2n + d) div 2d.
    (2n + d < 10^38 alone is not enough: d = 9·10^37 makes 2d overflow a 128-bit integer.) -#}
{% macro trueup_divide_units(numerator, denominator, small_numerator=false) -%}
    {%- if small_numerator -%}
        {{ trueup_int_div(
            '2 * (' ~ numerator ~ ') + (' ~ denominator ~ ')',
            '2 * (' ~ denominator ~ ')'
        ) }}
    {%- else -%}
    (
        {{ trueup_int_div(numerator, denominator) }}
        + case
            when 2 * (({{ numerator }}) % ({{ denominator }})) >= ({{ denominator }}) then 1
            else 0
        end
    )
    {%- endif -%}
{%- endmacro %}
