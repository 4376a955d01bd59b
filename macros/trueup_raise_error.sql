{#- A SQL expression that stops the query with `message` (a SQL string expression) as the
    error text, so that a failing check names what is wrong instead of counting rows. -#}
{% macro trueup_raise_error(message) -%}
    {{ return(adapter.dispatch('trueup_raise_error', 'trueup')(message)) }}
{%- endmacro %}

{% macro default__trueup_raise_error(message) -%}
    error({{ message }})
{%- endmacro %}

{% macro spark__trueup_raise_error(message) -%}
    raise_error({{ message }})
{%- endmacro %}

{% macro postgres__trueup_raise_error(message) -%}
    {#- PostgreSQL has no raising function in plain SQL: a failing cast shows the message. -#}
    cast(('trueup check failed: ' || {{ message }}) as integer)
{%- endmacro %}
