{#- WHERE condition selecting the records of int_usage_records_classified that a usage model
    has to process in this build: visible at as_of (ingested_at <= as_of, or unreadable, which
    is visible at every as_of) and, in an incremental refresh, new since the model's state:
    loaded by a later staging load, or ingested after the last processed as_of. -#}
{% macro trueup_usage_pending_filter(mode, state) -%}
    (ingested_at is null or ingested_at <= {{ trueup_as_of_sql() }})
    {%- if mode == 'incremental' %}
    and (
        loaded_at > cast('{{ state.loaded_at }}' as timestamp)
        or ingested_at > cast('{{ state.as_of }}' as timestamp)
    )
    {%- endif %}
{%- endmacro %}
