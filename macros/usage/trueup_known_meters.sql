{#- The meters of the `meters` seed as a dict meter -> aggregation (execute time; empty while
    parsing, and where the seed table does not exist, e.g. linting on the in-memory target). -#}
{% macro trueup_known_meters() -%}
    {%- if not execute -%}
        {{ return({}) }}
    {%- endif -%}
    {%- set seed = ref('meters') -%}
    {%- if adapter.get_relation(seed.database, seed.schema, seed.identifier) is none -%}
        {#- only where the seed was never loaded: compiling or linting on an empty target -#}
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
