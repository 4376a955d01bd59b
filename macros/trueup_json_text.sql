{#- The value at `path` in document `doc` as text (strings unquoted), NULL when absent or null.
    Numbers pass through DOUBLE in the JSON parser: use trueup_json_number_text for digits. -#}
{% macro trueup_json_text(doc, path) -%}
    {{ return(adapter.dispatch('trueup_json_text', 'trueup')(doc, path)) }}
{%- endmacro %}

{% macro duckdb__trueup_json_text(doc, path) -%}
    json_extract_string({{ doc }}, '{{ path }}')
{%- endmacro %}
