{#- Every removed duplicate copy of a usage event, with the copy that won. -#}

with

removed as (
    select * from {{ ref('int_usage_duplicates_identified') }}
),

final as (
    select
        source_file,
        line_number,
        producer,
        event_id,
        winner_source_file,
        winner_line_number,
        is_conflicting,
        winner_tenant_id as tenant_id,
        winner_meter as meter,
        winner_usage_date as usage_date,
        ingested_at
    from removed
)

select * from final
