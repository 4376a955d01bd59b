{#-
    The incrementally maintained daily rollup equals a rollup recomputed from every visible
    usable record and the removed copies: catches any drift of the incremental fold
    (quantities, counts, vanished days).
    With usage_check_window_days set, the days compared are those the recent records
    (trueup_usage_check_window) fall on, originals and removed copies alike, each recomputed
    from all of its records whatever their arrival; older days were compared by the builds that
    folded them in. Null compares every day.
-#}
{%- set classified = ref('int_usage_records_classified') -%}
{%- set window = trueup_usage_check_window(ref('stg_usage__records')) -%}
{%- set checked = (window | trim) != 'true' -%}
{%- set checked_dates_sql -%}
    -- the days the recent records land on (as originals, or as a removed copy's winner)
    select usage_date
    from {{ classified }}
    where quarantine_reason is null
        and ingested_at <= {{ trueup_as_of_sql() }}
        and {{ window }}
    union
    select winner_usage_date as usage_date
    from {{ ref('int_usage_duplicates_identified') }}
    where {{ window }}
{%- endset -%}
{%- if checked -%}
    {#- their range, as literals: the scan of every record is narrowed by these before the
        records are classified -#}
    {%- set range = run_query(
        "select cast(min(usage_date) as varchar), cast(max(usage_date) as varchar) from ("
        ~ checked_dates_sql ~ ") as checked_dates"
    ).rows[0] -%}
    {%- set first_date = range[0] or '9999-12-31' -%}
    {%- set after_last_date = dbt.dateadd('day', 1, "cast('" ~ (range[1] or '9999-12-31') ~ "' as date)") -%}
{%- endif %}

with

{% if checked %}
checked_dates as (
    {{ checked_dates_sql }}
),
{% endif %}

usable as (
    select classified.*
    from {{ classified }} as classified
    where classified.quarantine_reason is null
        and classified.ingested_at <= {{ trueup_as_of_sql() }}
    {%- if checked %}
        -- a record's day is that of its event_ts or, when its clock was corrected, of its
        -- ingested_at: a range on both columns first, the exact day after
        and (
            (
                classified.event_ts >= cast('{{ first_date }}' as date)
                and classified.event_ts < {{ after_last_date }}
            )
            or (
                classified.ingested_at >= cast('{{ first_date }}' as date)
                and classified.ingested_at < {{ after_last_date }}
            )
        )
        and classified.usage_date in (select checked_dates.usage_date from checked_dates)
    {%- endif %}
),

all_removed as (
    select * from {{ ref('int_usage_duplicates_identified') }}
),

removed as (
    -- the copies counted on the compared days (a copy's own day may be another)
    select all_removed.*
    from all_removed
    {%- if checked %}
    where all_removed.winner_usage_date in (select checked_dates.usage_date from checked_dates)
    {%- endif %}
),

originals as (
    select
        tenant_id,
        meter,
        usage_date,
        case
            when max(aggregation) = 'max' then max(weighted_quantity)
            else sum(weighted_quantity)
        end as quantity,
        count(*) as event_count,
        count(case when is_late then 1 end) as late_event_count,
        count(case when is_clock_skew_corrected then 1 end) as clock_skew_corrected_count
    from usable
    where not exists (
            select 1
            from all_removed
            where all_removed.source_file = usable.source_file
                and all_removed.line_number = usable.line_number
        )
    group by tenant_id, meter, usage_date
),

duplicates as (
    select
        winner_tenant_id as tenant_id,
        winner_meter as meter,
        winner_usage_date as usage_date,
        count(*) as duplicate_count
    from removed
    group by winner_tenant_id, winner_meter, winner_usage_date
),

recomputed as (
    select
        originals.*,
        coalesce(duplicates.duplicate_count, 0) as duplicate_count
    from originals
    left join duplicates
        on originals.tenant_id = duplicates.tenant_id
        and originals.meter = duplicates.meter
        and originals.usage_date = duplicates.usage_date
),

published as (
    select
        tenant_id,
        meter,
        usage_date,
        quantity,
        event_count,
        late_event_count,
        clock_skew_corrected_count,
        duplicate_count
    from {{ ref('fct_usage_daily') }}
    {%- if checked %}
    where usage_date in (select checked_dates.usage_date from checked_dates)
    {%- endif %}
),

differences as (
    (
        select * from recomputed
        except
        select * from published
    )
    union all
    (
        select * from published
        except
        select * from recomputed
    )
)

select * from differences
