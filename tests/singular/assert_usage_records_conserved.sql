{#-
    Conservation of usage records, per landing file and in total: every visible raw record is
    exactly one of accepted (original), removed duplicate or quarantined. Per file, the records
    staging classifies as usable must be the removed copies plus the originals, and the rest
    must all be in the quarantine; in total, the accepted events and duplicates counted in
    fct_usage_daily must add up with the quarantine to the raw records. Fails with one row per
    file (and a '(total)' row) where the counts do not add up.
    The totals always cover every record. With usage_check_window_days set, the files compared
    one by one are those holding a recent record (trueup_usage_check_window), each with all of
    its records; older files were compared by the builds that processed them. Null compares
    every file.
-#}
{%- set window = trueup_usage_check_window(
    ref('stg_usage__records'), ref('int_usage_daily_rolled_up')) -%}
{%- set checked = (window | trim) != 'true' -%}

with

{% if checked %}
checked_files as (
    select distinct source_file
    from {{ ref('stg_usage__records') }}
    where {{ window }}
),
{% endif %}

classified as (
    select * from {{ ref('int_usage_records_classified') }}
    where (ingested_at is null or ingested_at <= {{ trueup_as_of_sql() }})
    {%- if checked %}
        and source_file in (select checked_files.source_file from checked_files)
    {%- endif %}
),

all_removed as (
    select * from {{ ref('int_usage_duplicates_identified') }}
),

removed as (
    select * from all_removed
    {%- if checked %}
    where source_file in (select checked_files.source_file from checked_files)
    {%- endif %}
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

all_quarantined as (
    select * from {{ ref('fct_usage_quarantine') }}
),

quarantined as (
    select
        source_file,
        count(*) as quarantined
    from all_quarantined
    {%- if checked %}
    where source_file in (select checked_files.source_file from checked_files)
    {%- endif %}
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
    select count(*) as duplicates from all_removed
),

totals as (
    -- every visible record, counted on staging itself: one column, whatever the window
    select
        (
            select count(*)
            from {{ ref('stg_usage__records') }}
            where ingested_at is null or ingested_at <= {{ trueup_as_of_sql() }}
        ) as raw_records,
        (select count(*) from all_quarantined) as quarantined
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
