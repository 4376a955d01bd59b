{#- Whether JSON object `doc` has at least one of the top-level `keys` (a list of names), whatever
    their values (JSON null included). -#}
{% macro trueup_json_has_any_key(doc, keys) -%}
    {{ return(adapter.dispatch('trueup_json_has_any_key', 'trueup')(doc, keys)) }}
{%- endmacro %}

{#- Portable: one look-up per key, through trueup_json_kind. -#}
{% macro default__trueup_json_has_any_key(doc, keys) -%}
    (
    {%- for key in keys %}
        {{ trueup_json_kind(doc, '$.' ~ key) }} is not null{{ ' or' if not loop.last }}
    {%- endfor %}
    )
{%- endmacro %}

{#- DuckDB: the object's keys are listed once. -#}
{% macro duckdb__trueup_json_has_any_key(doc, keys) -%}
    list_has_any(json_keys({{ doc }}), [
        {%- for key in keys %}'{{ key }}'{{ ', ' if not loop.last }}{% endfor -%}
    ])
{%- endmacro %}
