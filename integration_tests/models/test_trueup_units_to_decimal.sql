{#- One select per scale (the macro takes the scale as a number); the result compared as the
    text of a DECIMAL(38, scale), so that a value of another scale counts as wrong. A seed row
    of a scale not listed here fails the test. Each select casts only its own rows (`case when
    scale = ...`): DuckDB may evaluate a cast before the filter on scale. -#}
{%- set scales = [2, 9, 15, 18] -%}
{%- set int128 = trueup_type_bigint128() -%}

with

inputs as (
    select * from {{ ref('data_trueup_units_to_decimal') }}
),

{% for scale in scales %}
scale_{{ scale }} as (
    select
        units,
        scale,
        cast({{ trueup_units_to_decimal(
            'cast(case when scale = \'' ~ scale ~ '\' then units end as ' ~ int128 ~ ')', scale
        ) }} as varchar) as actual,
        cast(cast(
            case when scale = '{{ scale }}' then expected end as decimal(38, {{ scale }})
        ) as varchar) as expected
    from inputs
    where scale = '{{ scale }}'
),
{% endfor %}

unlisted_scales as (
    select
        units,
        scale,
        cast(null as varchar) as actual,
        'a scale this model does not test' as expected
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
