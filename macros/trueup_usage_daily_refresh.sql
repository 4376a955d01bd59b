{#- How int_usage_daily_rolled_up refreshes: {'mode': 'incremental', 'watermark': ts} folds in
    the events processed after `watermark` (the latest processed_at it has applied);
    {'mode': 'full'} recomputes everything: on a first build, or when the event table holds no
    event processed at or before that watermark any more (it was rebuilt since). -#}
{% macro trueup_usage_daily_refresh(events_relation) -%}
    {%- if not (is_incremental() and execute) -%}
        {{ return({'mode': 'full'}) }}
    {%- endif -%}
    {%- set query -%}
        with applied as (
            select max(refreshed_through) as watermark from {{ this }}
        )
        select
            strftime(applied.watermark, '%Y-%m-%d %H:%M:%S.%f'),
            (
                select count(*) from (
                    select 1 from {{ events_relation }} as events
                    where events.processed_at <= applied.watermark
                    limit 1
                ) as earlier
            ) > 0
        from applied
    {%- endset -%}
    {%- set row = run_query(query).rows[0] -%}
    {%- if row[0] is none or not row[1] -%}
        {{ return({'mode': 'full'}) }}
    {%- endif -%}
    {{ return({'mode': 'incremental', 'watermark': row[0]}) }}
{%- endmacro %}
