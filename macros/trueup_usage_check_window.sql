{#- The window of the history-wide usage checks, from var `usage_check_window_days`: none (every
    record, whatever its age) or a whole number of days >= 1. Stops the run with a clear message
    for anything else. -#}
{% macro trueup_usage_check_window_days() -%}
    {%- set raw = var('usage_check_window_days', none) -%}
    {%- if raw is none or (raw is string and raw | trim | lower in ('', 'none', 'null', 'all')) -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(trueup_int_var('usage_check_window_days', 1, 'null to check every record')) }}
{%- endmacro %}

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
{% macro trueup_usage_check_since(relation, rollup) -%}
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

{#- A SQL condition on `column` (an ingested_at) that selects the records the history-wide usage
    checks look at in this build (see trueup_usage_check_since; `relation` holds the staged
    records the window is anchored on, `rollup` is ref('int_usage_daily_rolled_up')): `true`
    when they look at every record. -#}
{% macro trueup_usage_check_window(relation, rollup, column='ingested_at') -%}
    {%- set since = trueup_usage_check_since(relation, rollup) -%}
    {%- if since is none -%}
        true
    {%- else -%}
        ({{ column }} > cast('{{ since }}' as timestamp) or {{ column }} is null)
    {%- endif -%}
{%- endmacro %}
