{#- The literal digits of the number stored under `key` (at `path` in `doc`), read from the raw
    record text so that no digit is lost to the JSON parser's DOUBLE. Falls back to the parsed
    value when the key occurs more than once in the record (nested duplicates). -#}
{% macro trueup_json_number_text(doc, path, raw_text, key) -%}
    {{ return(adapter.dispatch('trueup_json_number_text', 'trueup')(doc, path, raw_text, key)) }}
{%- endmacro %}

{% macro duckdb__trueup_json_number_text(doc, path, raw_text, key) -%}
    case
        when len(regexp_extract_all(
            {{ raw_text }}, '"{{ key }}"\s*:\s*(-?[0-9][0-9.eE+-]*)', 1
        )) = 1
            then regexp_extract({{ raw_text }}, '"{{ key }}"\s*:\s*(-?[0-9][0-9.eE+-]*)', 1)
        else json_extract_string({{ doc }}, '{{ path }}')
    end
{%- endmacro %}
