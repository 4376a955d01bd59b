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
