{#- A SQL expression that stops the query with `message` (a SQL string expression) as the
    error text, so that a failing check names what is wrong instead of counting rows. -#}
{% macro trueup_raise_error(message) -%}
    {{ return(adapter.dispatch('trueup_raise_error', 'trueup')(message)) }}
{%- endmacro %}

{% macro default__trueup_raise_error(message) -%}
    error({{ message }})
{%- endmacro %}
