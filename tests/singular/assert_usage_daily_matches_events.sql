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
{%- set window = trueup_usage_check_window(
    ref('stg_usage__records'), ref('int_usage_daily_rolled_up')) -%}
{%- set checked = (window | trim) != 'true' -%}
{%- if checked -%}
{#- the days the recent records land on (as originals, or as a removed copy's winner), read
    once as literals: the scan of every record is narrowed by their range before the
    records are classified -#}
{%- set days_query -%}
select cast(usage_date as {{ dbt.type_string() }})
from {{ classified }}
where quarantine_reason is null
    and ingested_at <= {{ trueup_as_of_sql() }}
    and {{ window }}
union
select cast(winner_usage_date as {{ dbt.type_string() }})
from {{ ref('int_usage_duplicates_identified') }}
where {{ window }}
order by 1
{%- endset -%}
{%- set checked_days = run_query(days_query).columns[0].values() | list -%}
{%- set checked_day_list -%}
{%- for day in checked_days -%}
cast('{{ day }}' as date){{ ', ' if not loop.last }}
{%- endfor -%}
{%- endset -%}
{%- if checked_days -%}
{%- set first_day = "cast('" ~ checked_days[0] ~ "' as date)" -%}
{%- set after_last_day = dbt.dateadd('day', 1, "cast('" ~ checked_days[-1] ~ "' as date)") -%}
{%- endif -%}
{%- endif %}

with

usable as (
    select classified.*
    from {{ classified }} as classified
    where classified.quarantine_reason is null
        and classified.ingested_at <= {{ trueup_as_of_sql() }}
    {%- if checked and checked_days %}
        -- a record's day is that of its event_ts or, when its clock was corrected, of its
        -- ingested_at: a range on both columns first, the exact day after
        and (
            (
                classified.event_ts >= {{ first_day }}
                and classified.event_ts < {{ after_last_day }}
            )
            or (
                classified.ingested_at >= {{ first_day }}
                and classified.ingested_at < {{ after_last_day }}
            )
        )
        and classified.usage_date in ({{ checked_day_list }})
    {%- elif checked %}
        and false
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
    where {{ 'all_removed.winner_usage_date in (' ~ checked_day_list ~ ')' if checked_days else 'false' }}
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
    where {{ 'usage_date in (' ~ checked_day_list ~ ')' if checked_days else 'false' }}
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
