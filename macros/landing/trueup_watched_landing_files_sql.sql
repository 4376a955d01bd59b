{#- A select of every landed file whose content the build relies on, with what it is now:
    usage files (*.jsonl, *.jsonl.gz, *.parquet below usage/) and billing exports (*.csv,
    *.parquet below billing/focus/ and billing/invoice_lines/), as path, source_file (relative to
    the landing root), landing_folder ('usage' | 'billing'), export_date (billing: the date of
    its export_date=YYYY-MM-DD folder, null when it has none or it is not a real date),
    size_bytes and modified_at. Whatever as_of; the caller decides what is visible. -#}
{% macro trueup_watched_landing_files_sql() -%}
    {{ return(adapter.dispatch('trueup_watched_landing_files_sql', 'trueup')()) }}
{%- endmacro %}

{% macro default__trueup_watched_landing_files_sql() -%}
    {{ _trueup_registered_function_missing('trueup_watched_landing_files_sql', 'lists landing files') }}
{%- endmacro %}

{% macro duckdb__trueup_watched_landing_files_sql() -%}
    select
        path,
        source_file,
        'usage' as landing_folder,
        cast(null as date) as export_date,
        size_bytes,
        modified_at
    from ({{ trueup_landed_files_sql('usage') }})
    where source_file like '%.jsonl'
        or source_file like '%.jsonl.gz'
        or source_file like '%.parquet'
    {%- for export_format in ['focus', 'invoice_lines'] %}
    union all
    select
        path,
        source_file,
        'billing' as landing_folder,
        try_cast(
            regexp_extract('/' || source_file, '/export_date=([0-9]{4}-[0-9]{2}-[0-9]{2})/', 1)
            as date
        ) as export_date,
        size_bytes,
        modified_at
    from ({{ trueup_landed_files_sql('billing/' ~ export_format) }})
    where source_file like '%.csv' or source_file like '%.parquet'
    {%- endfor %}
{%- endmacro %}
