{#- Stops the run before any model when the landing root does not exist (a typo or an unmounted
    volume must not look like a quiet day), if the run selects a node that reads the landing
    folder: one that depends on a landing source (a source with meta.landing_folder) or calls
    one of the landing listings (_trueup_landing_reader_macros). An existing empty root is fine:
    it means no data. Called by the on-run-start hook; it lists a folder outside the landing
    contract, so it reads no file. -#}
{% macro _trueup_check_landing_root() -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set landing_sources = [] -%}
    {%- for node in graph.sources.values() if node.meta.get('landing_folder') -%}
        {%- do landing_sources.append(node.unique_id) -%}
    {%- endfor -%}
    {%- set listings = [] -%}
    {%- for name in _trueup_landing_reader_macros() -%}
        {%- do listings.append('macro.' ~ project_name ~ '.' ~ name) -%}
    {%- endfor -%}
    {%- set readers = [] -%}
    {%- for unique_id in selected_resources if unique_id in graph.nodes -%}
        {%- set depends_on = graph.nodes[unique_id].depends_on -%}
        {%- if depends_on.nodes | select('in', landing_sources) | list
            or depends_on.macros | select('in', listings) | list -%}
            {%- do readers.append(unique_id) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if readers -%}
        {%- do run_query(
            "select count(*) from (" ~ trueup_landed_files_sql('.trueup-landing-root-check') ~ ")"
        ) -%}
    {%- endif -%}
{%- endmacro %}
