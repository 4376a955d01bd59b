{#-
    Conservation of usage records, per landing file and in total: every visible raw record is
    exactly one of accepted (original), removed duplicate or quarantined. Fails with one row per
    file (and a '(total)' row) where the counts do not add up.
-#}

with

staged as (
    select
        source_file,
        count(*) as raw_records
    from {{ ref('stg_usage__records') }}
    where ingested_at is null or ingested_at <= {{ trueup_as_of_sql() }}
    group by source_file
),

events as (
    select
        source_file,
        count(case when not is_duplicate then 1 end) as accepted,
        count(case when is_duplicate then 1 end) as duplicates
    from {{ ref('int_usage_events_deduplicated') }}
    group by source_file
),

quarantined as (
    select
        source_file,
        count(*) as quarantined
    from {{ ref('usage_quarantine') }}
    group by source_file
),

per_file as (
    select
        coalesce(staged.source_file, events.source_file, quarantined.source_file)
            as source_file,
        coalesce(staged.raw_records, 0) as raw_records,
        coalesce(events.accepted, 0) as accepted,
        coalesce(events.duplicates, 0) as duplicates,
        coalesce(quarantined.quarantined, 0) as quarantined
    from staged
    full outer join events on staged.source_file = events.source_file
    full outer join quarantined
        on coalesce(staged.source_file, events.source_file) = quarantined.source_file
),

with_total as (
    select * from per_file
    union all
    select
        '(total)' as source_file,
        sum(raw_records) as raw_records,
        sum(accepted) as accepted,
        sum(duplicates) as duplicates,
        sum(quarantined) as quarantined
    from per_file
)

select *
from with_total
where raw_records <> accepted + duplicates + quarantined
