{#- One row per data row of every billing export file of `export_format` (landing folder
    billing/<export_format>/export_date=YYYY-MM-DD/, CSV or Parquet) visible at as_of
    (export_date on or before the as_of date): source_file (relative to the landing root),
    line_number (1-based data row; the CSV header is not counted), export_date, and every
    column of `required` and `optional` as text (NULL when the file has no such column).
    Column names match case-insensitively; extra columns are ignored. A file outside an
    export_date folder, or without a required column, stops the build naming the file (and
    the column). -#}
{% macro trueup_read_billing_files(export_format, required, optional) -%}
    {{ return(adapter.dispatch('trueup_read_billing_files', 'trueup')(
        export_format, required, optional
    )) }}
{%- endmacro %}

{% macro duckdb__trueup_read_billing_files(export_format, required, optional) -%}
    {%- set wanted = required + optional -%}
    {%- set selects = [] -%}
    {%- if execute -%}
        {%- set as_of_date = trueup_as_of()[:10] -%}
        {%- set listing -%}
            select path, source_file
            from ({{ trueup_landed_files_sql('billing/' ~ export_format) }})
            where source_file like '%.csv' or source_file like '%.parquet'
            order by source_file
        {%- endset -%}
        {%- for row in run_query(listing).rows -%}
            {%- set path = row[0] -%}
            {%- set relative = row[1] -%}
            {%- set found = modules.re.search(
                '/export_date=([0-9]{4}-[0-9]{2}-[0-9]{2})/', '/' ~ relative) -%}
            {%- if found is none -%}
                {{ exceptions.raise_compiler_error(
                    "Billing export " ~ relative ~ " is not in an export_date=YYYY-MM-DD folder:"
                    ~ " move it to billing/" ~ export_format ~ "/export_date=<date>/.") }}
            {%- endif -%}
            {%- set export_date = found.group(1) -%}
            {%- if export_date <= as_of_date -%}
                {%- set quoted = path | replace("'", "''") -%}
                {%- if path.endswith('.parquet') -%}
                    {%- set reader = "read_parquet('" ~ quoted ~ "', hive_partitioning = false)" -%}
                {%- else -%}
                    {%- set reader = "read_csv('" ~ quoted ~ "', header = true, all_varchar = true,"
                        ~ " hive_partitioning = false, null_padding = true)" -%}
                {%- endif -%}
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
                    ~ "cast('" ~ export_date ~ "' as date) as export_date, "
                    ~ (fields | join(', '))
                    ~ " from " ~ reader ~ " with ordinality as landed"
                ) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
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
