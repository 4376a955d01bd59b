{#- How int_usage_daily_rolled_up refreshes: {'mode': 'incremental', 'watermark': ts} folds in
    the events processed after `watermark` (the latest processed_at it has applied);
    {'mode': 'full'} recomputes everything: on a first build, or when the event table holds no
    event processed at or before that watermark any more (it was rebuilt since).
    Two small queries with literals, so that both prune by zone maps and stop early. -#}
{% macro trueup_usage_daily_refresh(events_relation) -%}
    {%- if not (is_incremental() and execute) -%}
        {{ return({'mode': 'full'}) }}
    {%- endif -%}
    {%- set watermark = run_query(
        "select strftime(max(refreshed_through), '%Y-%m-%d %H:%M:%S.%f') from " ~ this
    ).rows[0][0] -%}
    {%- if watermark is none -%}
        {{ return({'mode': 'full'}) }}
    {%- endif -%}
    {%- set earlier = run_query(
        "select 1 from " ~ events_relation ~ " where processed_at <= cast('"
        ~ watermark ~ "' as timestamp) limit 1"
    ).rows | length -%}
    {%- if earlier == 0 -%}
        {{ return({'mode': 'full'}) }}
    {%- endif -%}
    {{ return({'mode': 'incremental', 'watermark': watermark}) }}
{%- endmacro %}
