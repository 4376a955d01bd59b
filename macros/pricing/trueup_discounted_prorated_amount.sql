{#- round((usage_amount + flat_fee × segment_days / period_days) × (1 − discount_pct / 100), 2)
    from the exact value (SPEC §3: rounded once, half away from zero), as DECIMAL(38, 2).
    The prorated fee is a fraction with period_days in its denominator: rounding it to 18
    decimals first, and discounting that, can land on the wrong side of a half cent (2 × 9 / 28
    × 0.91 is 0.585 exactly, 0.59; from 0.642857142857142857 it is 0.58499..., 0.58). So the
    whole line is one fraction in scaled integers:
        W = (usage_amount × period_days + flat_fee × segment_days) in 10^-18 units
        k = (100 − discount_pct) in 10^-4 units (a percentage: W × k is in 10^-24)
        cents = round(W × k / (period_days × 10^22))
    W × k would need 40 digits for amounts near 10^14, so W is split at 10^22:
    W = hi × 10^22 + lo, and cents = (hi × k) div d + round(((hi × k) mod d × 10^22 + lo × k)
    / (d × 10^22)), every intermediate below 10^29. All inputs are >= 0, amounts below 10^14,
    days at most 31. -#}
{% macro trueup_discounted_prorated_amount(
    usage_amount, flat_fee, segment_days, period_days, discount_pct
) -%}
    {%- set int128 = trueup_type_bigint128() -%}
    {%- set split = 'cast(' ~ 10 ** 22 ~ ' as ' ~ int128 ~ ')' -%}
    {%- set days = 'cast(' ~ period_days ~ ' as ' ~ int128 ~ ')' -%}
    {%- set whole = '(' ~ trueup_decimal_units(usage_amount, 18) ~ ' * ' ~ days ~ ' + '
        ~ trueup_decimal_units(flat_fee, 18) ~ ' * cast(' ~ segment_days ~ ' as ' ~ int128 ~ '))' -%}
    {%- set kept = trueup_decimal_units(
        '(100 - coalesce(cast(' ~ discount_pct ~ ' as decimal(9, 4)), 0))', 4) -%}
    {%- set high = '(' ~ trueup_int_div(whole, split) ~ ' * ' ~ kept ~ ')' -%}
    {%- set low = '((' ~ whole ~ ') % ' ~ split ~ ')' -%}
    {{ trueup_units_to_decimal(
        trueup_int_div(high, days)
        ~ ' + ' ~ trueup_divide_units(
            '(' ~ high ~ ' % ' ~ days ~ ') * ' ~ split ~ ' + ' ~ low ~ ' * ' ~ kept,
            days ~ ' * ' ~ split
        ),
        2
    ) }}
{%- endmacro %}
