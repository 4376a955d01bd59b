{#- quantity / sample_rate rounded half away from zero to 9 decimals, exactly.
    DECIMAL / DECIMAL is not exact on every engine (DuckDB returns DOUBLE), so the division is
    long division on scaled integers: q in units of 1e-9 (DECIMAL(38, 9)), r in units of 1e-18
    (DECIMAL(38, 18), 0 < r <= 1). Both inputs are >= 0. Returns DECIMAL(38, 9). -#}
{% macro trueup_weighted_quantity(quantity, sample_rate) -%}
    {{ return(adapter.dispatch('trueup_weighted_quantity', 'trueup')(quantity, sample_rate)) }}
{%- endmacro %}

{% macro default__trueup_weighted_quantity(quantity, sample_rate) -%}
    {%- set q_units -%}
        (cast(floor({{ quantity }}) as {{ trueup_type_bigint128() }}) * 1000000000
        + cast(({{ quantity }} - floor({{ quantity }})) * 1000000000 as {{ trueup_type_bigint128() }}))
    {%- endset -%}
    {%- set r_units -%}
        cast({{ sample_rate }} * 1000000000000000000 as {{ trueup_type_bigint128() }})
    {%- endset -%}
    {%- set scale = '1000000000000000000' -%}
    {%- set remainder_scaled -%}
        (({{ q_units }} % {{ r_units }}) * {{ scale }})
    {%- endset -%}
    cast(
        cast(
            ({{ q_units }} // {{ r_units }}) * {{ scale }}
            + {{ remainder_scaled }} // {{ r_units }}
            + case when 2 * ({{ remainder_scaled }} % {{ r_units }}) >= {{ r_units }} then 1 else 0 end
        as decimal(38, 0)) * cast(0.000000001 as decimal(10, 9))
    as decimal(38, 9))
{%- endmacro %}
