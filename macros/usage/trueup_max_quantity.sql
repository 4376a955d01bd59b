{#- The supported bound of a usage quantity, per event and after sample-rate weighting, as a SQL
    literal: quantities are below 10^15 (at most 999999999999999.999999999). DECIMAL(38, 9) holds
    29 integer digits, so any sum of fewer than 10^14 such events fits; the same bound keeps every
    priced amount in range (int_expected_charges_priced stops a line whose amount bound reaches 99.9 trillion). -#}
{% macro trueup_max_quantity() -%}
    cast(1000000000000000 as decimal(16, 0))
{%- endmacro %}
