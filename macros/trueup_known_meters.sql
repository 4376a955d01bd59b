{#- The meters of the `meters` seed as a dict meter -> aggregation (execute time; empty while
    parsing). -#}
{% macro trueup_known_meters() -%}
    {%- if not execute -%}
        {{ return({}) }}
    {%- endif -%}
    {%- set rows = run_query(
        'select meter, aggregation from ' ~ ref('meters') ~ ' order by meter'
    ).rows -%}
    {%- set meters = {} -%}
    {%- for row in rows -%}
        {%- do meters.update({row[0]: row[1]}) -%}
    {%- endfor -%}
    {{ return(meters) }}
{%- endmacro %}
