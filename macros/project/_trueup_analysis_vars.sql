{#- The vars the analyses read (`var('x')` or `trueup_period_var('x')` in their source), from the
    graph; an empty list at parse time. -#}
{% macro _trueup_analysis_vars() -%}
    {%- set found = [] -%}
    {%- if execute -%}
        {%- set pattern = "(?:\\bvar|trueup_period_var)\\(\\s*['\"]([A-Za-z_][A-Za-z0-9_]*)['\"]" -%}
        {%- for node in graph.nodes.values() if node.resource_type == 'analysis' -%}
            {%- for name in modules.re.findall(pattern, node.raw_code) if name not in found -%}
                {%- do found.append(name) -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(found | sort) }}
{%- endmacro %}
