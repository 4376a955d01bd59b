{#- numerator / denominator for 128-bit integers (numerator >= 0, denominator > 0), rounded
    half away from zero to a whole number, exactly. -#}
{% macro trueup_divide_units(numerator, denominator) -%}
    {{ return(adapter.dispatch('trueup_divide_units', 'trueup')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__trueup_divide_units(numerator, denominator) -%}
    (
        ({{ numerator }}) // ({{ denominator }})
        + case
            when 2 * (({{ numerator }}) % ({{ denominator }})) >= ({{ denominator }}) then 1
            else 0
        end
    )
{%- endmacro %}
