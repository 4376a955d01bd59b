{#- Every rate-card row belongs to a contract version of `contracts` and names a meter of
    `meters`. Fails naming the contract, version and meter. -#}
{% test rate_card_versions_exist(model, contracts=ref('contracts'), meters=ref('meters')) %}
{%- set failures -%}
    select
        {{ trueup_rate_card_row_label('rates.') }} || ': ' || case
            when contracts.contract_id is null then 'no such contract version in contracts.csv'
            else 'meter is not in meters.csv'
        end as message
    from {{ model }} as rates
    left join {{ contracts }} as contracts
        on rates.contract_id = contracts.contract_id
        and rates.contract_version = contracts.contract_version
    left join {{ meters }} as meters on rates.meter = meters.meter
    where contracts.contract_id is null or meters.meter is null
{%- endset -%}
{{ trueup_fail_with_messages(failures, 'rate card references') }}
{% endtest %}
