{#- Prices charge lines from their rate-card tiers (SPEC §3 Pricing), one output row per line.
    `line_tiers` is a relation or CTE with one row per line × tier and the columns: the
    `line_keys`, pricing_model, quantity (the segment quantity), tier, lower_bound, up_to,
    unit_price, flat_fee, package_size, free_quantity, segment_days, period_days,
    discount_pct. Returns the line keys with usage_amount (exact), prorated_flat_fee (the flat
    fees that apply × segment_days / period_days, 18 decimals), amount_before_discount
    (unrounded, 18 decimals) and expected_amount (discounted and rounded once to cents, half
    away from zero, from the exact fraction: trueup_discounted_prorated_amount). Shared by the pricing model and the pricing property test. -#}
{% macro trueup_price_line_tiers(line_tiers, line_keys) -%}
    {#- what every tier row of a line carries alike: its keys and the proration and discount -#}
    {%- set line_columns = line_keys + ['segment_days', 'period_days', 'discount_pct'] -%}
    with

    tier_amounts as (
        select
            {% for column in line_columns -%}
            {{ column }},
            {% endfor -%}
            {{ trueup_tier_usage_amount(
                'pricing_model', 'quantity', 'tier', 'lower_bound', 'up_to', 'unit_price',
                'package_size', 'free_quantity'
            ) }} as usage_amount,
            {{ trueup_tier_flat_fee(
                'pricing_model', 'quantity', 'tier', 'lower_bound', 'up_to', 'flat_fee'
            ) }} as flat_fee
        from {{ line_tiers }}
    ),

    line_amounts as (
        select
            {% for column in line_columns -%}
            {{ column }},
            {% endfor -%}
            cast(sum(usage_amount) as decimal(38, 18)) as usage_amount,
            cast(sum(flat_fee) as decimal(38, 18)) as flat_fee,
            {{ trueup_divide_exact('sum(flat_fee) * segment_days', 'period_days', 18) }}
            as prorated_flat_fee
        from tier_amounts
        group by {{ line_columns | join(', ') }}
    )

    select
        {% for key in line_keys -%}
        {{ key }},
        {% endfor -%}
        usage_amount,
        prorated_flat_fee,
        cast(usage_amount + prorated_flat_fee as decimal(38, 18)) as amount_before_discount,
        {{ trueup_discounted_prorated_amount(
            'usage_amount', 'flat_fee', 'segment_days', 'period_days', 'discount_pct'
        ) }} as expected_amount
    from line_amounts
{%- endmacro %}
