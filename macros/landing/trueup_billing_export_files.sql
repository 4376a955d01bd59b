{#- The billing export files of `export_format` (landing folder
    billing/<export_format>/export_date=YYYY-MM-DD/, CSV or Parquet) visible at as_of
    (export_date on or before the as_of date), as a list of dicts: path (as the build opens
    it), source_file (relative to the landing root), export_date (text), size_bytes; ordered
    by source_file. Run at execute time (an empty list while parsing). A file that is not .csv
    or .parquet (any case), a file outside an export_date folder, or in one whose date does not exist (export_date=2026-02-30), stops
    the build naming the folder and the file. -#}
{% macro trueup_billing_export_files(export_format) -%}
    {%- set files = [] -%}
    {%- if execute -%}
        {%- set as_of_date = trueup_as_of()[:10] -%}
        {%- set listing -%}
            select path, source_file, size_bytes
            from ({{ trueup_landed_files_sql('billing/' ~ export_format) }})
            order by source_file
        {%- endset -%}
        {%- for row in run_query(listing).rows -%}
            {%- set relative = row[1] -%}
            {%- if not (relative | lower).endswith('.csv')
                and not (relative | lower).endswith('.parquet') -%}
                {{ exceptions.raise_compiler_error(
                    "Billing export " ~ relative ~ " is neither a CSV (.csv) nor a Parquet"
                    ~ " (.parquet) file: only exports belong under billing/" ~ export_format
                    ~ "/; move it elsewhere.") }}
            {%- endif -%}
            {%- set found = modules.re.search('/export_date=([^/]*)/', '/' ~ relative) -%}
            {%- if found is none -%}
                {{ exceptions.raise_compiler_error(
                    "Billing export " ~ relative ~ " is not in an export_date=YYYY-MM-DD folder:"
                    ~ " move it to billing/" ~ export_format ~ "/export_date=<date>/.") }}
            {%- endif -%}
            {%- set export_date = found.group(1) -%}
            {%- if not trueup_is_valid_date(export_date) -%}
                {{ exceptions.raise_compiler_error(
                    "Billing export " ~ relative ~ " is in folder export_date=" ~ export_date
                    ~ ", which is not a calendar date written YYYY-MM-DD: move the file to"
                    ~ " billing/" ~ export_format ~ "/export_date=<the real export date>/.") }}
            {%- endif -%}
            {%- if export_date <= as_of_date -%}
                {%- do files.append({
                    'path': row[0],
                    'source_file': relative,
                    'export_date': export_date,
                    'size_bytes': row[2] | int,
                }) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(files) }}
{%- endmacro %}
