{#- A SQL condition on `column` (an ingested_at) that selects the records the history-wide usage
    checks look at in this build (see _trueup_usage_check_since; `relation` holds the staged
    records the window is anchored on, `rollup` is ref('int_usage_daily_rolled_up')): `true`
    when they look at every record. -#}
{% macro trueup_usage_check_window(relation, rollup, column='ingested_at') -%}
    {%- set since = _trueup_usage_check_since(relation, rollup) -%}
    {%- if since is none -%}
        true
    {%- else -%}
        ({{ column }} > cast('{{ since }}' as timestamp) or {{ column }} is null)
    {%- endif -%}
{%- endmacro %}
