{#- The records of `relation` (int_usage_records_classified) that a usage model processes in
    this build, among those matching `condition`: visible at as_of (ingested_at <= as_of, or
    unreadable, which is visible at every as_of) and, in an incremental refresh, new since the
    model's state: loaded by a later staging load, or ingested after the last processed as_of.
    The two ways of being new are two branches, each a range filter the scan can prune by
    (an OR of the two would read every row). -#}
{% macro trueup_usage_pending_records(relation, mode, state, condition='true') -%}
    select *
    from {{ relation }}
    where ({{ condition }})
        and (ingested_at is null or ingested_at <= {{ trueup_as_of_sql() }})
        {%- if mode == 'incremental' %}
        and loaded_at > cast('{{ state.loaded_at }}' as timestamp)

    union all

    select *
    from {{ relation }}
    where ({{ condition }})
        and ingested_at <= {{ trueup_as_of_sql() }}
        and ingested_at > cast('{{ state.as_of }}' as timestamp)
        and loaded_at <= cast('{{ state.loaded_at }}' as timestamp)
        {%- endif %}
{%- endmacro %}
