{#- Usage files under <landing>/`folder` (the usage source's landing folder) that this build has to read: every *.jsonl, *.jsonl.gz and
    *.parquet file below the folder, minus the files already loaded into `loaded_relation`
    (staging's own table, `{{ this }}`, in an incremental run). Files never change after
    landing, so a file is read exactly once. The loaded files are read from staging itself, so
    a build that stopped anywhere after staging cannot make a file be read twice, and staging
    depends on no model downstream of it.
    Returns a list of dicts {path, source_file, format}; source_file is relative to the
    landing root. Runs at execute time only. -#}
{% macro trueup_usage_files_to_load(folder, loaded_relation=none) -%}
    {{ return(adapter.dispatch('trueup_usage_files_to_load', 'trueup')(folder, loaded_relation)) }}
{%- endmacro %}

{% macro default__trueup_usage_files_to_load(folder, loaded_relation=none) -%}
    {{ exceptions.raise_compiler_error(
        "trueup_usage_files_to_load is not implemented for the " ~ target.type
        ~ " adapter: load the landing into raw tables first (see docs/engines.md).") }}
{%- endmacro %}

{% macro duckdb__trueup_usage_files_to_load(folder, loaded_relation=none) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set listing -%}
        with landed as (
            select path, source_file
            from ({{ trueup_landed_files_sql(folder) }})
            where source_file like '%.jsonl'
                or source_file like '%.jsonl.gz'
                or source_file like '%.parquet'
        )
        select
            path,
            source_file,
            {{ trueup_usage_file_format('source_file') }} as source_format
        from landed
        {%- if loaded_relation is not none %}
        where source_file not in (select distinct source_file from {{ loaded_relation }})
        {%- endif %}
        order by source_file
    {%- endset -%}
    {%- set files = [] -%}
    {%- for row in run_query(listing).rows -%}
        {%- do files.append({'path': row[0], 'source_file': row[1], 'format': row[2]}) -%}
    {%- endfor -%}
    {{ return(files) }}
{%- endmacro %}
