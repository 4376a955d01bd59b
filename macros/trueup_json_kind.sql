{#- The JSON kind of the value at `path` in document `doc`: string, number, boolean, object,
    array or null; SQL NULL when the key is absent. -#}
{% macro trueup_json_kind(doc, path) -%}
    {{ return(adapter.dispatch('trueup_json_kind', 'trueup')(doc, path)) }}
{%- endmacro %}

{% macro duckdb__trueup_json_kind(doc, path) -%}
    case json_type({{ doc }}, '{{ path }}')
        when 'VARCHAR' then 'string'
        when 'BIGINT' then 'number'
        when 'UBIGINT' then 'number'
        when 'HUGEINT' then 'number'
        when 'DOUBLE' then 'number'
        when 'BOOLEAN' then 'boolean'
        when 'OBJECT' then 'object'
        when 'ARRAY' then 'array'
        when 'NULL' then 'null'
    end
{%- endmacro %}
