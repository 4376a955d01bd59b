{#- One row per physical line (JSONL) or row (Parquet) of the given usage files:
    source_file (relative to the landing root), line_number (1-based), source_format, and
    raw_record as text (a Parquet row is rendered as its JSON object, DECIMAL digits exact).
    Blank lines come back with a NULL raw_record: they count for line numbers only. -#}
{% macro trueup_read_usage_files(files) -%}
    {{ return(adapter.dispatch('trueup_read_usage_files', 'trueup')(files)) }}
{%- endmacro %}

{% macro duckdb__trueup_read_usage_files(files) -%}
    {%- if files | length == 0 %}
    select
        cast(null as varchar) as source_file,
        cast(null as bigint) as line_number,
        cast(null as varchar) as source_format,
        cast(null as varchar) as raw_record
    where false
    {%- endif %}
    {%- for file in files %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    {%- if file.format == 'parquet' %}
    select
        '{{ file.source_file | replace("'", "''") }}' as source_file,
        cast(file_row_number + 1 as bigint) as line_number,
        'parquet' as source_format,
        regexp_replace(to_json(landed_row), ',"file_row_number":[0-9]+}$', '}') as raw_record
    from read_parquet('{{ file.path | replace("'", "''") }}', file_row_number = true) as landed_row
    {%- else %}
    select
        '{{ file.source_file | replace("'", "''") }}' as source_file,
        cast(line_ordinality as bigint) as line_number,
        '{{ file.format }}' as source_format,
        nullif(trim(line, ' ' || chr(9) || chr(13)), '') as raw_record
    from read_csv(
        '{{ file.path | replace("'", "''") }}',
        columns = {'line': 'VARCHAR'},
        header = false,
        delim = E'\x1f',
        quote = '',
        escape = '',
        auto_detect = false,
        strict_mode = false,
        hive_partitioning = false,
        compression = '{{ "gzip" if file.format == "jsonl.gz" else "none" }}'
    ) with ordinality as landed_line (line, line_ordinality)
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
