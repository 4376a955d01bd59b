{#- The key columns of a full outer join of `left` and `right` on `keys`: `coalesce(left.k,
    right.k) as k` for every column k of `keys`, comma-separated (the caller writes the comma
    after it). With trueup_keys_match for the join condition. -#}
{% macro trueup_coalesced_keys(left, right, keys) -%}
    {%- for key in keys -%}
        coalesce({{ left }}.{{ key }}, {{ right }}.{{ key }}) as {{ key }}
        {%- if not loop.last %},
        {% endif -%}
    {%- endfor -%}
{%- endmacro %}
