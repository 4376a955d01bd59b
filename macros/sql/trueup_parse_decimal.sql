{#- A decimal number given as text (plain or exponent notation) cast to DECIMAL(38, scale),
    rounded half away from zero; NULL when it is not a finite number or does not fit. -#}
{% macro trueup_parse_decimal(text, scale=9) -%}
    case
        when regexp_full_match(
            trim({{ text }}), '[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?'
        )
            then {{ trueup_try_cast('trim(' ~ text ~ ')', 'decimal(38, ' ~ scale ~ ')') }}
    end
{%- endmacro %}
