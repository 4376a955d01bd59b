{#- The latest timestamp in the books `books` ([relation, column] pairs, relations that do not
    exist yet skipped) as 'YYYY-MM-DD HH:MM:SS.ffffff' (the format of trueup_as_of()), or none
    when they hold nothing. Runs at execute time only. -#}
{% macro _trueup_books_latest(books) -%}
    {%- set latest = [] -%}
    {%- for relation, column in books -%}
        {%- set built = adapter.get_relation(
            database=relation.database, schema=relation.schema, identifier=relation.identifier
        ) -%}
        {%- if built is not none -%}
            {%- set value = run_query(
                "select max(" ~ adapter.quote(column) ~ ") from " ~ built
            ).rows[0][0] -%}
            {%- if value is not none -%}
                {%- do latest.append(
                    value.strftime('%Y-%m-%d %H:%M:%S.%f') if value.strftime is defined
                    else value | string
                ) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(latest | max if latest else none) }}
{%- endmacro %}
