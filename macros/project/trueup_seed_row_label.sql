{#- How the seed checks name a row in their messages: the seed's name and the columns that
    identify a row of it, e.g. "contract_rates row contract_id=C-1001, contract_version=1,
    meter=api_requests, tier=1" (an empty value shows as (empty)). The identifying columns of
    each seed are listed here; a relation not listed is named by `fallback` columns. `alias`
    qualifies the columns (e.g. 'a.'). -#}
{% macro trueup_seed_row_label(model, alias='', fallback=[]) -%}
    {%- set keys = {
        'meters': ['meter'],
        'contracts': ['contract_id', 'contract_version'],
        'contract_rates': ['contract_id', 'contract_version', 'meter', 'tier'],
        'account_map': ['source_system', 'provider_account_id', 'valid_from'],
        'meter_map': ['source_system', 'provider_sku_id'],
        'reconciliation_tolerances': ['meter'],
    } -%}
    {%- set name = trueup_seed_name(model) -%}
    {%- set columns = keys.get(name, fallback) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append(
            "'" ~ (', ' if not loop.first else ' ') ~ column ~ "=' || coalesce(cast("
            ~ alias ~ column ~ " as varchar), '(empty)')") -%}
    {%- endfor -%}
    '{{ name }} row'{{ (' || ' ~ (parts | join(' || '))) if parts }}
{%- endmacro %}
