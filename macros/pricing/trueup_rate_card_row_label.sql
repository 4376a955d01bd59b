{#- How the rate-card rule tests name a row in their messages:
    'contract C-1 version 2 meter m' and, with `tier=true`, ' tier 3'. `alias` qualifies the
    columns (e.g. 'rates.'). -#}
{% macro trueup_rate_card_row_label(alias='', tier=false) -%}
    'contract ' || {{ alias }}contract_id
    || ' version ' || cast({{ alias }}contract_version as varchar)
    || ' meter ' || {{ alias }}meter
    {%- if tier %}
    || ' tier ' || cast({{ alias }}tier as varchar)
    {%- endif %}
{%- endmacro %}
