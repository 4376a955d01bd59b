{#- The first columns of a row that records a build (fct_ledger_heads, fct_build_log): the dbt
    invocation, the build's as_of and its start time (UTC). -#}
{% macro trueup_build_stamp_columns() -%}
    '{{ invocation_id }}' as invocation_id,
    {{ trueup_as_of_sql() }} as as_of,
    {{ trueup_run_stamp_sql() }} as recorded_at
{%- endmacro %}
