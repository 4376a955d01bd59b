{#- A tenant has at most one contract version in force on any day. Fails naming the tenant,
    both contract versions and their date ranges. -#}
{% test contract_versions_do_not_overlap(model) %}
{%- set failures -%}
    select
        'tenant ' || a.tenant_id || ': contract ' || a.contract_id || ' version '
        || cast(a.contract_version as varchar) || ' [' || cast(a.effective_from as varchar) || ', '
        || coalesce(cast(a.effective_to as varchar), 'open') || ') overlaps contract '
        || b.contract_id || ' version ' || cast(b.contract_version as varchar) || ' ['
        || cast(b.effective_from as varchar) || ', '
        || coalesce(cast(b.effective_to as varchar), 'open') || ')' as message
    from {{ model }} as a
    inner join {{ model }} as b
        on a.tenant_id = b.tenant_id
        and (
            a.contract_id < b.contract_id
            or (a.contract_id = b.contract_id and a.contract_version < b.contract_version)
        )
        and a.effective_from < coalesce(b.effective_to, cast('9999-12-31' as date))
        and b.effective_from < coalesce(a.effective_to, cast('9999-12-31' as date))
{%- endset -%}
{{ trueup_fail_with_messages(failures, 'overlapping contract versions') }}
{% endtest %}
