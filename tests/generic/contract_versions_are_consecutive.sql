{#- The versions of a contract are numbered 1, 2, ..., n without gaps, and belong to one
    tenant. Fails naming the contract and the versions found. -#}
{% test contract_versions_are_consecutive(model) %}
{%- set failures -%}
    select
        'contract ' || contract_id || ': versions ' || {{ dbt.listagg(
            'cast(contract_version as varchar)', "', '", 'order by contract_version'
        ) }} || case
            when count(distinct tenant_id) > 1 then ' belong to several tenants'
            else ' are not numbered 1..' || cast(count(*) as varchar)
        end as message
    from {{ model }}
    group by contract_id
    having
        min(contract_version) <> 1
        or max(contract_version) <> count(*)
        or count(distinct contract_version) <> count(*)
        or count(distinct tenant_id) > 1
{%- endset -%}
{{ trueup_fail_with_messages(failures, 'contract version numbering') }}
{% endtest %}
