{#- The supported bound of a billing line's amount and quantity as read from the export, as a
    SQL literal: below 10^15 in absolute value. DECIMAL(38, 15) holds 23 integer digits, so any
    sum of fewer than 10^8 such lines (per key, per export file) fits. -#}
{% macro _trueup_max_billing_value() -%}
    cast(1000000000000000 as decimal(16, 0))
{%- endmacro %}
