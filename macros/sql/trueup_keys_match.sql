{#- A join condition on a compound key: `left.k = right.k` for every column k of `keys`, joined
    by `and` (`left` and `right` are relation or CTE names). A model names its grain once
    (`{% set line_keys = [...] %}`) and joins, groups and guards by it. -#}
{% macro trueup_keys_match(left, right, keys) -%}
    {%- for key in keys -%}
        {{ left }}.{{ key }} = {{ right }}.{{ key }}
        {%- if not loop.last %} and {% endif -%}
    {%- endfor -%}
{%- endmacro %}
