{#- Prices charge lines from their rate-card tiers (SPEC §3 Pricing), one output row per line.
    `line_tiers` is a relation or CTE with one row per line × tier and the columns: the
    `line_keys`, pricing_model, quantity (the segment quantity), tier, lower_bound, up_to,
    unit_price, flat_fee, package_size, free_quantity, segment_days, period_days,
    discount_pct. Returns the line keys with usage_amount (exact), prorated_flat_fee (the flat
    fees that apply × segment_days / period_days, 18 decimals), amount_before_discount
    (unrounded, 18 decimals) and expected_amount (discounted and rounded once to cents, half
    away from zero, from the exact fraction: trueup_discounted_prorated_amount). Shared by the pricing model and the pricing property test. -#}
{% macro trueup_price_line_tiers(line_tiers, line_keys) -%}
    {%- set line_columns = (line_keys + ['segment_days', 'period_days', 'discount_pct'])
        | join(', ') -%}
    with

    tier_amounts as (
        select
            {{ line_columns }},
            {{ _trueup_tier_usage_amount(
                'pricing_model', 'quantity', 'tier', 'lower_bound', 'up_to', 'unit_price',
                'package_size', 'free_quantity'
            ) }} as usage_amount,
            {{ _trueup_tier_flat_fee(
                'pricing_model', 'quantity', 'tier', 'lower_bound', 'up_to', 'flat_fee'
            ) }} as flat_fee
        from {{ line_tiers }}
    ),

    line_amounts as (
        select
            {{ line_columns }},
            cast(sum(usage_amount) as decimal(38, 18)) as usage_amount,
            cast(sum(flat_fee) as decimal(38, 18)) as flat_fee,
            {{ trueup_divide_exact('sum(flat_fee) * segment_days', 'period_days', 18) }}
            as prorated_flat_fee
        from tier_amounts
        group by {{ line_columns }}
    )

    select
        {{ line_keys | join(', ') }},
        usage_amount,
        prorated_flat_fee,
        cast(usage_amount + prorated_flat_fee as decimal(38, 18)) as amount_before_discount,
        {{ trueup_discounted_prorated_amount(
            'usage_amount', 'flat_fee', 'segment_days', 'period_days', 'discount_pct'
        ) }} as expected_amount
    from line_amounts
{%- endmacro %}
