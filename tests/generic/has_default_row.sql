{#- The tolerance seed has its `*` (default) row: without it a meter without its own row would
    have no tolerance. -#}
{% test has_default_row(model, column_name='meter', default_value='*') %}
{%- set failures -%}
    select 'no row with {{ column_name }} = ''{{ default_value }}''' as message
    from (select count(*) as default_rows from {{ model }}
        where {{ column_name }} = '{{ default_value }}') as counted
    where default_rows = 0
{%- endset -%}
{{ trueup_fail_with_messages(failures, 'reconciliation tolerances') }}
{% endtest %}
