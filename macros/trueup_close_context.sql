{#- Whether this build may close periods and book ledger entries, and why not:
    - only `dbt build`, where the data tests of everything the closes read run first and a
      failing one skips the closes and bookings (a plain `dbt run` tests nothing);
    - only a build that also rebuilt fct_trueup_variance (a partial --select run never closes
      or books against stale tables);
    - never a replay: a build whose as_of is earlier than the latest close or ledger entry
      closes and books nothing (it may still show what was known then).
    Returns {'allowed': bool, 'why': text}. `announce` logs the decision (once per build is
    enough: the freezing model announces it). -#}
{% macro trueup_close_context(announce=false) -%}
    {%- if not execute -%}
        {{ return({'allowed': false, 'why': 'parsing'}) }}
    {%- endif -%}
    {%- set as_of = trueup_as_of() -%}
    {%- set why = none -%}
    {%- if flags.WHICH != 'build' -%}
        {%- set why = "this is `dbt " ~ flags.WHICH ~ "`, not `dbt build`: periods close and "
            ~ "entries are booked only in a build whose data tests pass" -%}
    {%- elif not trueup_selects_tests() -%}
        {%- set why = "no data test is part of this build (e.g. --exclude-resource-type test): "
            ~ "no period is closed and nothing is booked" -%}
    {%- elif 'model.trueup.fct_trueup_variance' not in selected_resources -%}
        {%- set why = "fct_trueup_variance is not part of this run (partial selection): "
            ~ "no period is closed and nothing is booked" -%}
    {%- else -%}
        {%- set latest = [] -%}
        {%- for name, column in [('fct_period_closes', 'closed_at'),
                                 ('fct_adjustment_ledger', 'booked_at')] -%}
            {%- set relation = adapter.get_relation(
                database=target.database, schema='finance', identifier=name) -%}
            {%- if relation is not none -%}
                {%- set value = run_query(
                    "select strftime(max(" ~ column ~ "), '%Y-%m-%d %H:%M:%S.%f') from " ~ relation
                ).rows[0][0] -%}
                {%- if value is not none -%}
                    {%- do latest.append(value) -%}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if latest and as_of < (latest | max) -%}
            {%- set why = "replay: as_of " ~ as_of ~ " is earlier than the latest close or ledger "
                ~ "entry (" ~ (latest | max) ~ "): no period is closed and nothing is booked" -%}
        {%- endif -%}
    {%- endif -%}
    {%- if why is not none and announce -%}
        {{ log("trueup: " ~ why, info=true) }}
    {%- endif -%}
    {{ return({'allowed': why is none, 'why': why}) }}
{%- endmacro %}
