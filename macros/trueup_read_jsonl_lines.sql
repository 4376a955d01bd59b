{#- One row per physical line of the given JSONL files (plain or gzipped): source_file
    (relative to the landing root), line_number (1-based), source_format and raw_record, the
    line's text without surrounding white space; a blank line comes back with a NULL
    raw_record (it counts for line numbers only). -#}
{% macro trueup_read_jsonl_lines(files) -%}
    {{ return(adapter.dispatch('trueup_read_jsonl_lines', 'trueup')(files)) }}
{%- endmacro %}

{% macro duckdb__trueup_read_jsonl_lines(files) -%}
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
    {%- endfor %}
{%- endmacro %}
