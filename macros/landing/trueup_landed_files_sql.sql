{#- A select of every file landed below <landing>/`folder`, read by its exact name: path (as the
    build opens it), source_file (relative to the landing root), size_bytes, modified_at.
    The landing root must exist; symbolic links are followed only inside it (see
    scripts/trueup_tools/duckdb_landing.py). For listings run at execute time. -#}
{% macro trueup_landed_files_sql(folder) -%}
    {{ return(adapter.dispatch('trueup_landed_files_sql', 'trueup')(folder)) }}
{%- endmacro %}

{% macro default__trueup_landed_files_sql(folder) -%}
    {{ _trueup_registered_function_missing('trueup_landed_files_sql', 'lists landing files') }}
{%- endmacro %}

{% macro duckdb__trueup_landed_files_sql(folder) -%}
    select
        landed.path,
        landed.source_file,
        landed.size_bytes,
        landed.modified_at
    from (
        select unnest(trueup_landing_files(
            '{{ trueup_landing_path() | replace("'", "''") }}', '{{ folder }}'
        )) as landed
    )
{%- endmacro %}
