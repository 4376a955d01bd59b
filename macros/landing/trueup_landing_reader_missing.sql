{#- The error of a landing reader on an engine that has no implementation of it. -#}
{% macro trueup_landing_reader_missing(reader) -%}
    {{ exceptions.raise_compiler_error(
        reader ~ " is not implemented for " ~ target.type ~ ": load the landing into raw"
        ~ " tables first (see docs/engines.md), then add a " ~ target.type ~ "__" ~ reader
        ~ " that reads them.") }}
{%- endmacro %}
