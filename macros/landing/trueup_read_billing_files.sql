{#- One row per data row of every billing export file of `export_format` (landing folder
    billing/<export_format>/export_date=YYYY-MM-DD/, CSV or Parquet) visible at as_of
    (export_date on or before the as_of date; see trueup_billing_export_files): source_file
    (relative to the landing root), line_number (1-based data row; the CSV header is not
    counted), export_date, and every column of `required` and `optional` as text (NULL when the
    file has no such column). Every file is opened by its exact name (trueup_exact_path).
    Column names match case-insensitively; extra columns are ignored. An empty export (zero
    bytes, or a CSV of only blank lines) has no rows, nor has a header-only CSV; each still
    counts as an export in stg_billing__export_files. A file with a header or a schema but
    without a required column stops the build naming the file and the column. -#}
{% macro trueup_read_billing_files(export_format, required, optional) -%}
    {{ return(adapter.dispatch('trueup_read_billing_files', 'trueup')(
        export_format, required, optional
    )) }}
{%- endmacro %}

{% macro duckdb__trueup_read_billing_files(export_format, required, optional) -%}
    {%- set wanted = required + optional -%}
    {%- set selects = [] -%}
    {#- cast(blob as varchar) shows bytes outside printable ASCII as \xNN -#}
    {%- set blank_text_pattern = "(\\\\x0[9ABCD]| )*" -%}
    {%- for file in trueup_billing_export_files(export_format) -%}
        {%- set relative = file['source_file'] -%}
        {%- set exact = trueup_exact_path(file['path']) -%}
        {%- set is_parquet = (relative | lower).endswith('.parquet') -%}
        {%- set is_empty = file['size_bytes'] == 0 -%}
        {%- if is_parquet -%}
            {%- set reader = "read_parquet(" ~ exact ~ ", hive_partitioning = false)" -%}
        {%- else -%}
            {%- set reader = "read_csv(" ~ exact ~ ", header = true, all_varchar = true,"
                ~ " hive_partitioning = false, null_padding = true)" -%}
        {%- endif -%}
        {%- if not is_empty and not is_parquet -%}
            {%- set blank_check -%}
                select regexp_full_match(cast(content as varchar), '{{ blank_text_pattern }}')
                from read_blob({{ exact }})
            {%- endset -%}
            {%- set is_empty = run_query(blank_check).rows[0][0] -%}
        {%- endif -%}
        {%- if not is_empty -%}
            {%- set columns = {} -%}
            {%- for described in run_query('describe select * from ' ~ reader).rows -%}
                {%- do columns.update({described[0] | lower: described[0]}) -%}
            {%- endfor -%}
            {%- for column in required -%}
                {%- if column | lower not in columns -%}
                    {{ exceptions.raise_compiler_error(
                        "Billing export " ~ relative ~ " has no column " ~ column
                        ~ " (required for " ~ export_format ~ " exports; found: "
                        ~ (columns.values() | join(', ')) ~ ").") }}
                {%- endif -%}
            {%- endfor -%}
            {%- set fields = [] -%}
            {%- for column in wanted -%}
                {%- if column | lower in columns -%}
                    {%- do fields.append('cast(landed.' ~ adapter.quote(columns[column | lower])
                        ~ ' as varchar) as ' ~ adapter.quote(column)) -%}
                {%- else -%}
                    {%- do fields.append('cast(null as varchar) as ' ~ adapter.quote(column)) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- do selects.append(
                "select '" ~ (relative | replace("'", "''")) ~ "' as source_file, "
                ~ "cast(landed.ordinality as bigint) as line_number, "
                ~ "cast('" ~ file['export_date'] ~ "' as date) as export_date, "
                ~ (fields | join(', '))
                ~ " from " ~ reader ~ " with ordinality as landed"
            ) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if selects | length == 0 %}
    select
        cast(null as varchar) as source_file,
        cast(null as bigint) as line_number,
        cast(null as date) as export_date
        {%- for column in wanted %},
        cast(null as varchar) as {{ adapter.quote(column) }}
        {%- endfor %}
    where false
    {%- else %}
    {{ selects | join('\nunion all\n') }}
    {%- endif %}
{%- endmacro %}
