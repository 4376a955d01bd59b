{#- A SQL string literal that DuckDB's file readers (read_csv, read_parquet, read_text, ...)
    open as exactly the file `path`, never as a pattern: quotes are doubled, and the characters
    a reader takes for a glob (* ? [ ] { }) are each wrapped in a one-character class, so that
    a landed file named `events[1].jsonl` or `batch*.jsonl` is read by its own name only. -#}
{% macro trueup_exact_path(path) -%}
    {{ return(adapter.dispatch('trueup_exact_path', 'trueup')(path)) }}
{%- endmacro %}

{% macro default__trueup_exact_path(path) -%}
    {{ return("'" ~ (path | replace("'", "''")) ~ "'") }}
{%- endmacro %}

{% macro duckdb__trueup_exact_path(path) -%}
    {%- set escaped = modules.re.sub('([][*?{}])', '[\\1]', path | string) -%}
    {{ return("'" ~ (escaped | replace("'", "''")) ~ "'") }}
{%- endmacro %}
