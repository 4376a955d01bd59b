{#- A billing export's date/time text as a UTC timestamp: RFC 3339 / ISO 8601 with or without
    offset (none = UTC; the offset checked as trueup_parse_utc_timestamp does), or a bare date
    (midnight UTC); NULL when unreadable or outside the accepted time range (trueup_time_range),
    so that the line goes to ops.fct_billing_unmapped_lines as `unreadable_date`. -#}
{% macro trueup_parse_billing_timestamp(text) -%}
    {%- set parsed -%}
        case
            when regexp_full_match(trim({{ text }}), '[0-9]{4}-[0-9]{2}-[0-9]{2}')
                then cast({{ trueup_try_cast('trim(' ~ text ~ ')', 'date') }} as timestamp)
            else {{ trueup_parse_utc_timestamp('trim(' ~ text ~ ')') }}
        end
    {%- endset -%}
    case
        when {{ trueup_timestamp_in_range(parsed) }} then {{ parsed }}
    end
{%- endmacro %}
