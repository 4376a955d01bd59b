{#- Every removed duplicate copy of a usage event, with the copy that won. -#}
{{ config(materialized='view') }}

with

events as (
    select * from {{ ref('int_usage_events_deduplicated') }}
),

final as (
    select
        source_file,
        line_number,
        producer,
        event_id,
        original_source_file as winner_source_file,
        original_line_number as winner_line_number,
        is_conflicting,
        original_tenant_id as tenant_id,
        original_meter as meter,
        original_usage_date as usage_date,
        ingested_at
    from events
    where is_duplicate
)

select * from final
