{#-
    Conservation of usage records, per landing file and in total: every visible raw record is
    exactly one of accepted (original), removed duplicate or quarantined. Per file, the records
    staging classifies as usable must be the removed copies plus the originals, and the rest
    must all be in the quarantine; in total, the accepted events and duplicates counted in
    fct_usage_daily must add up with the quarantine to the raw records. Fails with one row per
    file (and a '(total)' row) where the counts do not add up.
-#}

with

classified as (
    select * from {{ ref('int_usage_records_classified') }}
    where ingested_at is null or ingested_at <= {{ trueup_as_of_sql() }}
),

removed as (
    select * from {{ ref('int_usage_duplicates_identified') }}
),

staged as (
    select
        source_file,
        count(*) as raw_records,
        count(case when quarantine_reason is null then 1 end) as usable
    from classified
    group by source_file
),

duplicates as (
    select
        removed.source_file,
        count(*) as duplicates
    from removed
    inner join classified
        on removed.source_file = classified.source_file
        and removed.line_number = classified.line_number
        and classified.quarantine_reason is null
    group by removed.source_file
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
        coalesce(staged.source_file, quarantined.source_file) as source_file,
        coalesce(staged.raw_records, 0) as raw_records,
        coalesce(staged.usable, 0) - coalesce(duplicates.duplicates, 0) as accepted,
        coalesce(duplicates.duplicates, 0) as duplicates,
        coalesce(quarantined.quarantined, 0) as quarantined
    from staged
    left join duplicates on staged.source_file = duplicates.source_file
    full outer join quarantined on staged.source_file = quarantined.source_file
),

published as (
    select
        sum(event_count) as accepted,
        sum(duplicate_count) as duplicates
    from {{ ref('fct_usage_daily') }}
),

removed_total as (
    select count(*) as duplicates from removed
),

totals as (
    select
        sum(raw_records) as raw_records,
        sum(quarantined) as quarantined
    from per_file
),

with_total as (
    select * from per_file
    union all
    select
        '(total)' as source_file,
        totals.raw_records,
        coalesce(published.accepted, 0) as accepted,
        coalesce(published.duplicates, 0) as duplicates,
        totals.quarantined
    from totals
    cross join published
    union all
    select
        '(removed copies)' as source_file,
        totals.raw_records,
        coalesce(published.accepted, 0) as accepted,
        removed_total.duplicates,
        totals.quarantined
    from totals
    cross join published
    cross join removed_total
)

select *
from with_total
where raw_records <> accepted + duplicates + quarantined
    or accepted < 0
