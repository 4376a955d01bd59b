{#- A SQL expression: the SHA-256 (hex) of the bytes of the landed file at `path_sql` (a SQL
    expression giving the path as the build opens it). -#}
{% macro trueup_file_sha256_sql(path_sql) -%}
    {{ return(adapter.dispatch('trueup_file_sha256_sql', 'trueup')(path_sql)) }}
{%- endmacro %}

{% macro default__trueup_file_sha256_sql(path_sql) -%}
    {{ _trueup_registered_function_missing('trueup_file_sha256_sql', 'hashes landing files') }}
{%- endmacro %}

{% macro duckdb__trueup_file_sha256_sql(path_sql) -%}
    trueup_file_sha256({{ path_sql }})
{%- endmacro %}
