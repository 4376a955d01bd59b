{#- A billing amount or quantity given as text, as DECIMAL(38, 15) (trueup_parse_decimal); NULL
    when it cannot be read or is not below _trueup_max_billing_value (10^15) in absolute value. -#}
{% macro trueup_parse_billing_decimal(text) -%}
    case
        when abs({{ trueup_parse_decimal(text, 15) }}) < {{ _trueup_max_billing_value() }}
            then {{ trueup_parse_decimal(text, 15) }}
    end
{%- endmacro %}
