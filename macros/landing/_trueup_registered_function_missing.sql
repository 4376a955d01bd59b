{#- The error of a landing macro whose DuckDB implementation calls a Python function that
    trueup registers on DuckDB's connection (scripts/trueup_tools/duckdb_*.py), on an engine
    that has no implementation of it: `job` says what the function does. -#}
{% macro _trueup_registered_function_missing(macro_name, job) -%}
    {{ exceptions.raise_compiler_error(
        "trueup " ~ job ~ " with a function registered on DuckDB's connection; the "
        ~ target.type ~ " adapter has no implementation of " ~ macro_name ~ " yet.") }}
{%- endmacro %}
