{#- True when a typed usage record passes every check: a supported shape, identifiers present,
    a known meter, a quantity >= 0 (none only for a count meter), readable timestamps, a sample
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
            and sample_rate <= 1,
            false
        )
    )
{%- endmacro %}
