{#- Where the history-wide usage checks start in this build: the records that arrived after
    this moment (text for a timestamp literal) are checked, with those whose ingested_at cannot
    be read. The moment is usage_check_window_days before the latest arrival visible at as_of in
    `relation` (staged usage records): anchored on the data, not on as_of, so a build at an
    as_of long after the last arrival still checks the latest ones. Older records were checked
    by the builds that processed them and do not change (staging is append-only).
    None, meaning every record: when the window is null; when nothing is visible yet; when every
    day of `rollup` (ref('int_usage_daily_rolled_up'), passed by the caller so that dbt sees
    the dependency) was computed at one as_of (the first build, a full refresh, a replay or an
    out-of-order arrival recomputed it from every record); before execution; and when
    `relation` does not exist. Runs queries at execute time. -#}
{% macro _trueup_usage_check_since(relation, rollup) -%}
    {%- set days = trueup_usage_check_window_days() -%}
    {%- if days is none or not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if adapter.get_relation(relation.database, relation.schema, relation.identifier) is none -%}
        {#- not built yet (a lint's compile): the check's own query reports the missing table -#}
        {{ return(none) }}
    {%- endif -%}
    {%- if adapter.get_relation(rollup.database, rollup.schema, rollup.identifier) is not none -%}
        {#- every day of the rollup computed at one as_of: the build recomputed it from every
            record (the first build, a full refresh, a replay, an out-of-order arrival), so
            nothing older was checked by an earlier build -#}
        {%- set recomputed = run_query(
            "select coalesce(min(processed_as_of) = max(processed_as_of), true) from " ~ rollup
        ).rows[0][0] -%}
        {%- if recomputed -%}
            {{ return(none) }}
        {%- endif -%}
    {%- endif -%}
    {%- set query -%}
        select cast({{ dbt.dateadd('day', -days, 'max(ingested_at)') }} as {{ dbt.type_string() }})
        from {{ relation }}
        where ingested_at <= {{ trueup_as_of_sql() }}
    {%- endset -%}
    {{ return(run_query(query).rows[0][0]) }}
{%- endmacro %}
