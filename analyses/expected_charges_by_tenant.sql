-- What each tenant should be charged per period and currency, usage lines and commitment
-- true-ups apart. Compile with `dbt compile` and run the SQL in target/compiled/.

with

expected as (
    select * from {{ ref('fct_expected_charges') }}
),

final as (
    select
        period_start,
        tenant_id,
        currency,
        sum(case when line_type = 'usage' then expected_amount else 0 end) as usage_amount,
        sum(
            case when line_type = 'commitment_true_up' then expected_amount else 0 end
        ) as commitment_true_up_amount,
        sum(expected_amount) as expected_amount
    from expected
    group by period_start, tenant_id, currency
)

select * from final
order by period_start, tenant_id
