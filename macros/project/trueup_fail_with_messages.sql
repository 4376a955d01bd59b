{#- Body of a reference-data check: `failures_sql` selects one row per violation with a
    `message` column naming the contract, version (and meter, tier) and the rule. No violation:
    no rows, the test passes. Any violation: the test stops with all messages joined, so that
    the build log says exactly what to fix in which seed row. The raising expression sits in a
    WHERE clause, which dbt's count(*) wrapper cannot prune. -#}
{% macro trueup_fail_with_messages(failures_sql, check_name) -%}
with

failures as (
    {{ failures_sql }}
),

summary as (
    select {{ dbt.listagg('message', "'; '", 'order by message') }} as messages
    from failures
)

select messages
from summary
where messages is not null
    and {{ trueup_raise_error("'" ~ check_name ~ ": ' || messages") }} is null
{%- endmacro %}
