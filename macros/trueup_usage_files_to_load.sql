{#- Usage files under <landing>/usage that this build has to read: every *.jsonl, *.jsonl.gz and
    *.parquet file below the folder, minus the files already loaded into `loaded_relation`
    (an incremental run). Files never change after landing, so a file is read exactly once.
    The loaded files are those in `register_relation` (int_usage_files_loaded), plus those of
    the staging loads after its latest (a build that stopped before registering them); without
    a register, every staged record's file.
    Returns a list of dicts {path, source_file, format}; source_file is relative to the
    landing root. Runs at execute time only. -#}
{% macro trueup_usage_files_to_load(loaded_relation=none, register_relation=none) -%}
    {{ return(adapter.dispatch('trueup_usage_files_to_load', 'trueup')(
        loaded_relation, register_relation)) }}
{%- endmacro %}

{% macro default__trueup_usage_files_to_load(loaded_relation=none, register_relation=none) -%}
    {{ exceptions.raise_compiler_error(
        "trueup reads landing files with DuckDB's file readers; the " ~ target.type
        ~ " adapter has no implementation of trueup_usage_files_to_load yet.") }}
{%- endmacro %}

{% macro duckdb__trueup_usage_files_to_load(loaded_relation=none, register_relation=none) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set registered_through = none -%}
    {%- if loaded_relation is not none and register_relation is not none -%}
        {%- set registered_through = trueup_latest_load(register_relation) -%}
    {%- endif -%}
    {%- set listing -%}
        with landed as (
            select path, source_file
            from ({{ trueup_landed_files_sql('usage') }})
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
        where source_file not in (
            {%- if registered_through is not none %}
            select source_file from {{ register_relation }}
            union all
            select distinct source_file
            from {{ loaded_relation }}
            where loaded_at > cast('{{ registered_through }}' as timestamp)
            {%- else %}
            select distinct source_file from {{ loaded_relation }}
            {%- endif %}
        )
        {%- endif %}
        order by source_file
    {%- endset -%}
    {%- set files = [] -%}
    {%- for row in run_query(listing).rows -%}
        {%- do files.append({'path': row[0], 'source_file': row[1], 'format': row[2]}) -%}
    {%- endfor -%}
    {{ return(files) }}
{%- endmacro %}
