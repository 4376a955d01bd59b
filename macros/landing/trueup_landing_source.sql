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

{#- The freshness query of a landing source (its `loaded_at_query`): the latest moment a file
    of the source landed. On DuckDB the landing files are read where they lie, so it is the
    latest modification time (UTC) of the files below the source's landing folder; an engine
    that loads the landing into raw tables first (PostgreSQL, Spark) reads the `loaded_at`
    column its loader writes (`default__`). `source_relation` is the source (`this` in dbt's
    freshness context). -#}
{% macro trueup_landing_loaded_at_sql(source_relation) -%}
    {{ return(adapter.dispatch('trueup_landing_loaded_at_sql', 'trueup')(source_relation)) }}
{%- endmacro %}

{% macro default__trueup_landing_loaded_at_sql(source_relation) -%}
    select max(loaded_at) from {{ source_relation }}
{%- endmacro %}

{% macro duckdb__trueup_landing_loaded_at_sql(source_relation) -%}
    select max(modified_at)
    from ({{ trueup_landed_files_sql(trueup_landing_folder(source_relation)) }})
{%- endmacro %}

{#- The error of a landing reader on an engine that has no implementation of it. -#}
{% macro trueup_landing_reader_missing(reader) -%}
    {{ exceptions.raise_compiler_error(
        reader ~ " is not implemented for " ~ target.type ~ ": load the landing into raw"
        ~ " tables first (see docs/engines.md), then add a " ~ target.type ~ "__" ~ reader
        ~ " that reads them.") }}
{%- endmacro %}
