{#- The aggregate of `quantity` over a group of one meter's rows, by the meter's aggregation
    (SPEC §3): the largest value for a `max` meter (a peak, e.g. storage held), else the sum
    (`sum` meters add quantities, `count` meters add their weighted events). `aggregation`
    is the column holding the meter's aggregation; one meter per group. -#}
{% macro trueup_meter_quantity(aggregation, quantity) -%}
    case
        when max({{ aggregation }}) = 'max' then max({{ quantity }})
        else sum({{ quantity }})
    end
{%- endmacro %}
