{#- The Levenshtein distance between two strings (insertions, deletions, substitutions), for
    "did you mean" suggestions. -#}
{% macro _trueup_edit_distance(a, b) -%}
    {%- set ns = namespace(previous=range(b | length + 1) | list) -%}
    {%- for i in range(1, a | length + 1) -%}
        {%- set row = namespace(current=[i]) -%}
        {%- for j in range(1, b | length + 1) -%}
            {%- set cost = 0 if a[i - 1] == b[j - 1] else 1 -%}
            {%- set row.current = row.current + [[
                ns.previous[j] + 1,
                row.current[j - 1] + 1,
                ns.previous[j - 1] + cost,
            ] | min] -%}
        {%- endfor -%}
        {%- set ns.previous = row.current -%}
    {%- endfor -%}
    {{ return(ns.previous[b | length]) }}
{%- endmacro %}
