{#- The grain of the true-up, as a list of column names: period_start × tenant_id × meter. The
    variance, its frozen copy at close, the post-close deltas, the ledger and the usage side of
    the variance join and compare by it (trueup_keys_match, trueup_coalesced_keys). -#}
{% macro trueup_variance_keys() -%}
    {{ return(['period_start', 'tenant_id', 'meter']) }}
{%- endmacro %}
