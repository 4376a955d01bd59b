{#- One row per non-blank physical line of the given JSONL files: source_file (relative to the
    landing root), line_number (the physical, 1-based line: blank lines count but are not
    returned), source_format, raw_record (the line's text without surrounding spaces, tabs or
    CR) and is_readable (false for a line that is not valid UTF-8 or is longer than the maximum
    record size: its raw_record shows the bytes escaped, truncated when too long). Each file is
    opened by its exact path and decompressed when its content is gzip, whatever its name; see
    scripts/trueup_tools/duckdb_jsonl.py (trueup_jsonl_lines). -#}
{% macro trueup_read_jsonl_lines(files) -%}
    {{ return(adapter.dispatch('trueup_read_jsonl_lines', 'trueup')(files)) }}
{%- endmacro %}

{% macro default__trueup_read_jsonl_lines(files) -%}
    {{ _trueup_registered_function_missing('trueup_read_jsonl_lines', 'reads JSONL files') }}
{%- endmacro %}

{% macro duckdb__trueup_read_jsonl_lines(files) -%}
    {%- if files | length == 0 %}
    select
        cast(null as varchar) as source_file,
        cast(null as bigint) as line_number,
        cast(null as varchar) as source_format,
        cast(null as varchar) as raw_record,
        cast(null as boolean) as is_readable
    where false
    {%- else %}
    select
        source_file,
        landed_line.line_number,
        source_format,
        landed_line.raw_record,
        landed_line.is_readable
    from (
        select
            landed_file.source_file,
            landed_file.source_format,
            unnest(trueup_jsonl_lines(landed_file.path)) as landed_line
        from (
            values
            {%- for file in files %}
            (
                '{{ file.path | replace("'", "''") }}',
                '{{ file.source_file | replace("'", "''") }}',
                '{{ file.format | replace("'", "''") }}'
            ){{ ',' if not loop.last }}
            {%- endfor %}
        ) as landed_file (path, source_file, source_format)
    ) as landed_lines
    {%- endif %}
{%- endmacro %}
