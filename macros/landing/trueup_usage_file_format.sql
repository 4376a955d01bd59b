{#- A usage file's format from its path or name (SQL expression `path`): 'jsonl.gz',
    'jsonl' or 'parquet' — the three kinds trueup_usage_files_to_load lists. -#}
{% macro trueup_usage_file_format(path) -%}
    case
        when {{ path }} like '%.jsonl.gz' then 'jsonl.gz'
        when {{ path }} like '%.jsonl' then 'jsonl'
        else 'parquet'
    end
{%- endmacro %}
