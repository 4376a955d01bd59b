{#- True when a record's ingested_at can be true: inside the accepted time range
    (trueup_timestamp_in_range) and no later than the load of its file (`loaded_at`, the
    loading build's start) + max_clock_skew_minutes. ingested_at is the ingestion layer's
    trusted clock: a record cannot have been received after the file holding it was read.
    NULL when ingested_at is NULL. A record without a load time (a unit test's given row; every
    staged record has one) is bounded by the range only. -#}
{% macro trueup_ingested_at_in_range(ingested_at, loaded_at) -%}
    ({{ trueup_timestamp_in_range(ingested_at) }}
        and coalesce(
            {{ ingested_at }}
            <= {{ dbt.dateadd('minute', trueup_int_var('max_clock_skew_minutes'), loaded_at) }},
            {{ loaded_at }} is null
        ))
{%- endmacro %}
