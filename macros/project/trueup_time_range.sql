{#- The accepted time range of usage timestamps (event_ts, ingested_at) and billing dates:
    from `start` (inclusive) to `end` (exclusive), as ISO dates. MetricFlow's time spine covers
    exactly this range, so that no accepted record can report a period outside it. -#}
{% macro trueup_time_range() -%}
    {{ return({'start': '2000-01-01', 'end': '2100-01-01'}) }}
{%- endmacro %}
