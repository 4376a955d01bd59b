{#- True when an event's quantity, weighted as its meter aggregates it, stays below the supported
    bound (trueup_max_quantity): a `sum` meter counts quantity / sample_rate, a `count` meter
    1 / sample_rate (and a present quantity must be in range too), a `max` meter the quantity
    itself. `quantity` (DECIMAL(38, 9), >= 0 or NULL) and `sample_rate` (DECIMAL(38, 18), in
    (0, 1]) are assumed valid otherwise. Compared as quantity < bound × sample_rate, evaluated
    only once quantity < bound, so that no step can overflow; nothing is divided. -#}
{% macro trueup_quantity_in_range(quantity, sample_rate, aggregation) -%}
    case
        when {{ quantity }} >= {{ trueup_max_quantity() }} then false
        when {{ aggregation }} = 'max' then true
        when {{ aggregation }} = 'count'
            then cast(1 as decimal(38, 9)) < {{ trueup_max_quantity() }} * {{ sample_rate }}
        else {{ quantity }} < {{ trueup_max_quantity() }} * {{ sample_rate }}
    end
{%- endmacro %}
