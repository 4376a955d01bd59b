{#- An RFC 3339 timestamp text as a UTC timestamp (no time zone); NULL when it does not parse.
    Text without an offset is UTC. Requires a date and a time with seconds. Every field is
    checked against RFC 3339's grammar: month 01-12, day 01-31 (and the calendar), hour 00-23,
    minute and second 00-59 (no leap second 60, no 24:00), 1 to 9 fraction digits, and an
    offset `Z`/`z` or +/-HH, +/-HHMM, +/-HH:MM with hour 00-23 and minute 00-59: `+25:00`,
    `-99:00` or `+05:75` are unreadable, never a shift of the event to another day. -#}
{% macro trueup_parse_utc_timestamp(text) -%}
    {{ return(adapter.dispatch('trueup_parse_utc_timestamp', 'trueup')(text)) }}
{%- endmacro %}

{% macro duckdb__trueup_parse_utc_timestamp(text) -%}
    coalesce(
        -- fast path for the canonical shape YYYY-MM-DDTHH:MM:SS.f{1,6}Z: strptime reads it about
        -- three times faster than the general path. strptime checks the digits, the calendar,
        -- every separator in order and the end, but reads 1 or 2 digits per field; the first
        -- '-', 'T' and '.' at bytes 5, 11 and 20 leave room for exactly 4 + 2 + 2 and 2 + 2 + 2
        -- digits (a LIKE pattern says the same at twice the cost). Anything else takes the
        -- general path
        case
            when strpos({{ text }}, '-') = 5
                and strpos({{ text }}, 'T') = 11
                and strpos({{ text }}, '.') = 20
                then try_strptime({{ text }}, '%Y-%m-%dT%H:%M:%S.%fZ')
        end,
        case
            when regexp_full_match(
                {{ text }},
                '[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])'
                || '[Tt ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?'
                || '([Zz]|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9])?)?'
            )
                then timezone('UTC', try_cast(
                    case
                        when regexp_matches({{ text }}, '([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$')
                            then {{ text }}
                        else {{ text }} || '+00:00'
                    end as timestamptz
                ))
        end
    )
{%- endmacro %}
