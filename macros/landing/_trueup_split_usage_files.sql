{#- Splits the files of trueup_usage_files_to_load by reader: {'jsonl': [...], 'parquet': [...]}
    (gzipped JSONL goes with JSONL). -#}
{% macro _trueup_split_usage_files(files) -%}
    {%- set split = {'jsonl': [], 'parquet': []} -%}
    {%- for file in files -%}
        {%- do split['parquet' if file.format == 'parquet' else 'jsonl'].append(file) -%}
    {%- endfor -%}
    {{ return(split) }}
{%- endmacro %}
