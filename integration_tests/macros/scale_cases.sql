{#- The model of a macro that takes its scale as a Jinja number, `macro(input, scale)`: one
    select per scale of `scales` over the seed rows of that scale, the input cast to
    `input_type`, unioned, plus every seed row of a scale not listed, which fails the equality
    test. Both sides are compared as text, the expected value cast to `expected_type` first, so
    that a result of another type or scale counts as wrong (`%s` in a type stands for the
    scale). Each select reads only its own rows (_scale_cast: DuckDB may evaluate a cast
    before the filter on scale). -#}
{% macro scale_cases(seed, macro, input_column, input_type, expected_type, scales=[2, 9, 15, 18]) -%}
    with

    inputs as (
        select * from {{ seed }}
    ),

    {% for scale in scales %}
    scale_{{ scale }} as (
        select
            {{ input_column }},
            scale,
            cast({{ macro(_scale_cast(input_column, input_type, scale), scale) }} as varchar)
                as actual,
            cast({{ _scale_cast('expected', expected_type, scale) }} as varchar) as expected
        from inputs
        where scale = '{{ scale }}'
    ),
    {% endfor %}

    unlisted_scales as (
        select
            {{ input_column }},
            scale,
            cast(null as varchar) as actual,
            'a scale this model does not test' as expected
        from inputs
        where scale not in ('{{ scales | join("', '") }}')
    )

    {% for scale in scales -%}
        select * from scale_{{ scale }}
        union all
    {% endfor -%}
    select * from unlisted_scales
{%- endmacro %}

{#- `column` cast to `data_type` (`%s`: the scale) on the seed rows of `scale`, NULL on the
    others. -#}
{% macro _scale_cast(column, data_type, scale) -%}
    {%- set typed = data_type | format(scale) if '%s' in data_type else data_type -%}
    cast(case when scale = '{{ scale }}' then {{ column }} end as {{ typed }})
{%- endmacro %}
