{#- Usage files under <landing>/`folder` (the usage source's landing folder) that this build has
    to read: every *.jsonl, *.jsonl.gz and *.parquet file below the folder, minus the files already loaded into `loaded_relation`
    (staging's own table, `{{ this }}`, in an incremental run). Files never change after
    landing, so a file is read exactly once. The loaded files are read from staging itself, so
    a build that stopped anywhere after staging cannot make a file be read twice, and staging
    depends on no model downstream of it (the register int_usage_files_loaded is built from
    staging). Finding them costs an integer scan of staging plus a look-up by name of the
    landed files without a record at line 1, not a listing of every staged record's file.
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
        where source_file not in (
            -- a file is loaded when staging holds a record of it. Most loaded files hold one
            -- at line 1: an integer filter finds them; only the other landed files (new ones,
            -- and the few whose first line is blank) are looked for by name, and a scan
            -- prunes what their names' range rules out
            with first_lines as (
                select source_file from {{ loaded_relation }} where line_number = 1
            ),

            unknown as (
                select source_file
                from landed
                where source_file not in (select source_file from first_lines)
            )

            select source_file from first_lines
            union all
            select distinct source_file
            from {{ loaded_relation }}
            where source_file in (select source_file from unknown)
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
