{#- `values` (a list) as a comma-separated list of SQL string literals, each quoted by
    trueup_string_literal, for `in (...)`: ['a', "o'k"] -> 'a', 'o''k'. -#}
{% macro trueup_string_list(values) -%}
    {%- set literals = [] -%}
    {%- for value in values -%}
        {%- do literals.append(trueup_string_literal(value)) -%}
    {%- endfor -%}
    {{ return(literals | join(', ')) }}
{%- endmacro %}
