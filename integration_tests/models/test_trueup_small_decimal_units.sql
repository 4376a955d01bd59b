{#- One select per scale (the macro takes the scale as a number). A seed row of a scale not
    listed here fails the test. Each select casts only its own rows (`case when scale = ...`):
    DuckDB may evaluate a cast before the filter on scale. -#}
{%- set scales = [2, 9, 15, 18] -%}
{%- set int128 = trueup_type_bigint128() -%}

with

inputs as (
    select * from {{ ref('data_trueup_small_decimal_units') }}
),

{% for scale in scales %}
scale_{{ scale }} as (
    select
        value,
        scale,
        {{ trueup_small_decimal_units(
            'cast(case when scale = \'' ~ scale ~ '\' then value end as decimal(38, ' ~ scale ~ '))',
            scale
        ) }} as actual,
        cast(expected as {{ int128 }}) as expected
    from inputs
    where scale = '{{ scale }}'
),
{% endfor %}

unlisted_scales as (
    select
        value,
        scale,
        cast(null as {{ int128 }}) as actual,
        cast(-1 as {{ int128 }}) as expected
    from inputs
    where scale not in ('{{ scales | join("', '") }}')
),

final as (
    {% for scale in scales -%}
        select * from scale_{{ scale }}
        union all
    {% endfor -%}
    select * from unlisted_scales
)

select * from final
