{#- A SQL expression: the SHA-256 (hex) of the bytes of the landed file at `path_sql` (a SQL
    expression giving the path as the build opens it). -#}
{% macro trueup_file_sha256_sql(path_sql) -%}
    {{ return(adapter.dispatch('trueup_file_sha256_sql', 'trueup')(path_sql)) }}
{%- endmacro %}

{% macro default__trueup_file_sha256_sql(path_sql) -%}
    {{ exceptions.raise_compiler_error(
        "trueup hashes landing files with a function registered on DuckDB's connection; the "
        ~ target.type ~ " adapter has no implementation of trueup_file_sha256_sql yet.") }}
{%- endmacro %}

{% macro duckdb__trueup_file_sha256_sql(path_sql) -%}
    trueup_file_sha256({{ path_sql }})
{%- endmacro %}
