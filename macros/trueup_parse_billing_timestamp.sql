{#- A billing export's date/time text as a UTC timestamp: RFC 3339 / ISO 8601 with or without
    offset (none = UTC), or a bare date (midnight UTC); NULL when unreadable. -#}
{% macro trueup_parse_billing_timestamp(text) -%}
    case
        when regexp_full_match(trim({{ text }}), '[0-9]{4}-[0-9]{2}-[0-9]{2}')
            then cast({{ trueup_try_cast('trim(' ~ text ~ ')', 'date') }} as timestamp)
        else {{ trueup_parse_utc_timestamp('trim(' ~ text ~ ')') }}
    end
{%- endmacro %}
