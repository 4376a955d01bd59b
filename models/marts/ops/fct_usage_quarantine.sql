{#-
    Every visible usage record that cannot be used, with the first reason that applies and
    where it came from. Nothing vanishes: raw records = accepted + duplicates + quarantined.
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ trueup_usage_reset_hook() }}",
    )
}}

{%- set refresh = trueup_usage_refresh() -%}
{%- set mode, state = refresh.mode, refresh.state -%}

with

-- staging keeps raw text exactly for records that fail a check (a superset of these):
-- filtering on it first lets the scan skip row groups of clean records
quarantined as (
    {{ trueup_usage_pending_records(
        ref('int_usage_records_classified'), mode, state,
        'raw_record is not null and quarantine_reason is not null'
    ) }}
),

final as (
    select
        source_file,
        line_number,
        source_format,
        record_shape,
        quarantine_reason as reason,
        producer,
        event_id,
        tenant_id,
        meter,
        raw_record,
        ingested_at,
        loaded_at,
        {{ trueup_as_of_sql() }} as processed_as_of
    from quarantined
)

select * from final
