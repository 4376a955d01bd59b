{#- Staged usage records (`records`: stg_usage__records, or a subquery of it with every column)
    classified: each with its quarantine reason (NULL when usable) and, for usable records,
    canonical time, sampling weight and lateness. Accepted ranges: event_ts and ingested_at in
    trueup_time_range (2000-01-01 to 2100-01-01, UTC), ingested_at no later than the load of its
    file (loaded_at) + max_clock_skew_minutes - the ingestion clock is trusted, so a later one
    cannot be true (`timestamp_out_of_range`); a quantity, weighted as its meter aggregates it,
    below trueup_max_quantity (10^15; beyond it `invalid_quantity`). A query of its own (WITH ... SELECT), for use
    as a subquery. int_usage_records_classified is this over all of staging;
    int_usage_duplicates_identified applies it to just the records it needs. -#}
{% macro trueup_usage_classified_records(records) -%}
{%- set skew_minutes = trueup_int_var('max_clock_skew_minutes') -%}

with

records as (
    select * from {{ records }}
),

meters as (
    select * from {{ ref('meters') }}
),

checked as (
    select
        *,
        {{ trueup_usage_file_format('source_file') }} as source_format,
        record_shape = 'malformed' as is_malformed,
        coalesce(quantity >= 0, false) as is_quantity_valid,
        event_ts is not null and ingested_at is not null as is_timestamp_valid,
        coalesce(
            {{ trueup_ingested_at_in_range('ingested_at', 'loaded_at') }}, false
        ) as is_ingested_at_in_range,
        coalesce({{ trueup_timestamp_in_range('event_ts') }}, false) as is_event_ts_in_range,
        coalesce(sample_rate > 0 and sample_rate <= 1, false) as is_sample_rate_valid
    from records
),

classified as (
    select
        checked.*,
        meters.aggregation,
        case
            when checked.is_malformed then 'malformed_record'
            when not checked.is_supported_schema then 'unsupported_schema'
            when checked.event_id is null or checked.producer is null then 'missing_event_id'
            when checked.tenant_id is null then 'missing_tenant'
            when meters.meter is null then 'unknown_meter'
            when checked.has_quantity and not checked.is_quantity_valid then 'invalid_quantity'
            when not checked.has_quantity and meters.aggregation <> 'count'
                then 'invalid_quantity'
            -- beyond the supported range (weighted by a valid sample rate): a figure no sum can
            -- be trusted to hold
            when checked.is_sample_rate_valid
                and not {{ trueup_quantity_in_range(
                    'checked.quantity', 'checked.sample_rate', 'meters.aggregation') }}
                then 'invalid_quantity'
            when not checked.is_sample_rate_valid
                and not coalesce(checked.quantity < {{ trueup_max_quantity() }}, true)
                then 'invalid_quantity'
            when not checked.is_timestamp_valid then 'invalid_timestamp'
            when not checked.is_event_ts_in_range or not checked.is_ingested_at_in_range
                then 'timestamp_out_of_range'
            when not checked.is_sample_rate_valid then 'invalid_sample_rate'
        end as quarantine_reason
    from checked
    left join meters on checked.meter = meters.meter
),

canonical as (
    select
        *,
        event_ts > {{ dbt.dateadd('minute', skew_minutes, 'ingested_at') }}
            as is_clock_skew_corrected
    from classified
),

timed as (
    select
        *,
        case when is_clock_skew_corrected then ingested_at else event_ts end as event_at
    from canonical
),

final as (
    select
        source_file,
        line_number,
        source_format,
        record_shape,
        producer,
        event_id,
        key_hash,
        tenant_id,
        meter,
        aggregation,
        quantity,
        sample_rate,
        case
            when quarantine_reason is not null then null
            when aggregation = 'max' then quantity
            when sample_rate = 1 and aggregation = 'count' then cast(1 as decimal(38, 9))
            when sample_rate = 1 then quantity
            when aggregation = 'count'
                then {{ trueup_weighted_quantity('cast(1 as decimal(38, 9))', 'sample_rate') }}
            else {{ trueup_weighted_quantity('quantity', 'sample_rate') }}
        end as weighted_quantity,
        event_ts,
        event_at,
        cast(event_at as date) as usage_date,
        ingested_at,
        quarantine_reason,
        coalesce(is_clock_skew_corrected, false) as is_clock_skew_corrected,
        coalesce(
            ingested_at > {{ trueup_period_watermark(dbt.date_trunc('month', 'event_at')) }},
            false
        ) as is_late,
        raw_record,
        loaded_at
    from timed
)

select * from final
{%- endmacro %}
