{#- Body of a reference-data check: `failures_sql` selects one row per violation with a
    `message` column naming the contract, version (and meter, tier) and the rule. No violation:
    no rows, the test passes. Any violation: the test stops with all messages joined, so that
    the build log says exactly what to fix in which seed row. -#}
{% macro trueup_fail_with_messages(failures_sql, check_name) -%}
with

failures as (
    {{ failures_sql }}
)

select
    {{ trueup_raise_error(
        "'" ~ check_name ~ ": ' || " ~ dbt.listagg('message', "'; '", 'order by message')
    ) }} as failure
from failures
having count(*) > 0
{%- endmacro %}
