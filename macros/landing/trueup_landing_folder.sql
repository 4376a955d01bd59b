{#- The landing folder (relative to the landing root, e.g. `usage`, `billing/focus`) of the
    landing source `source_relation` (a source() relation): the `landing_folder` of its `meta`
    in models/staging/<source>/_<source>__sources.yml. Stops the build when the relation is no
    landing source. Runs at execute time (none while parsing). -#}
{% macro trueup_landing_folder(source_relation) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- for node in graph.sources.values()
        if node.package_name == project_name
        and node.identifier == source_relation.identifier
        and node.schema == source_relation.schema -%}
        {%- if node.meta.get('landing_folder') -%}
            {{ return(node.meta['landing_folder']) }}
        {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error(
        "trueup: " ~ source_relation ~ " is not a landing source: declare it in a"
        ~ " _<source>__sources.yml with meta.landing_folder.") }}
{%- endmacro %}
