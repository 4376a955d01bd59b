{#- True when a typed usage record passes every check: a supported shape, identifiers present,
    a known meter, a quantity >= 0 (none only for a count meter) in the supported range, readable
    timestamps in the accepted range (ingested_at against this load, the build's start), a sample
    rate in (0, 1]. Staging keeps the raw text only of records that are not clean, so every
    quarantined record keeps it. `known_meters` maps meter -> aggregation. -#}
{% macro trueup_usage_record_is_clean(known_meters) -%}
    {%- set all_meters = [] -%}
    {%- set count_meters = [] -%}
    {%- for meter, aggregation in known_meters.items() -%}
        {%- set quoted = "'" ~ (meter | replace("'", "''")) ~ "'" -%}
        {%- do all_meters.append(quoted) -%}
        {%- if aggregation == 'count' -%}
            {%- do count_meters.append(quoted) -%}
        {%- endif -%}
    {%- endfor -%}
    (
        coalesce(
            is_supported_schema
            and event_id is not null
            and producer is not null
            and tenant_id is not null
            and meter in ({{ all_meters | join(', ') if all_meters else 'null' }})
            and (
                quantity >= 0
                or (
                    quantity is null and not has_quantity
                    and meter in ({{ count_meters | join(', ') if count_meters else 'null' }})
                )
            )
            and event_ts is not null
            and ingested_at is not null
            and sample_rate > 0
            and sample_rate <= 1
            -- the accepted ranges; the quantity's as a sum meter weights it (for a max meter,
            -- stricter than its own check: raw text kept for a few more records, never fewer)
            and {{ trueup_timestamp_in_range('event_ts') }}
            and {{ trueup_ingested_at_in_range('ingested_at', trueup_run_stamp_sql()) }}
            and {{ trueup_quantity_in_range(
                'coalesce(quantity, cast(1 as decimal(38, 9)))', 'sample_rate', "'sum'") }},
            false
        )
    )
{%- endmacro %}
