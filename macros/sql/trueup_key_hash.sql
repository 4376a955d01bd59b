{#- A 64-bit hash of the given columns, for narrowing a search for equal keys cheaply before
    comparing the keys themselves: equal keys always hash alike, so a hash may only add false
    candidates (which the exact comparison then drops), never lose one. -#}
{% macro trueup_key_hash(columns) -%}
    {{ return(adapter.dispatch('trueup_key_hash', 'trueup')(columns)) }}
{%- endmacro %}

{% macro default__trueup_key_hash(columns) -%}
    md5({% for column in columns %}coalesce(cast({{ column }} as {{ dbt.type_string() }}), '')
    {%- if not loop.last %} || chr(31) || {% endif %}{% endfor %})
{%- endmacro %}

{% macro duckdb__trueup_key_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}
