{#- The built relation of this project's model `model_name`, looked up by name: for a model that
    reads another one's state without depending on it (a ref() would make a cycle). None when
    it does not exist yet, or at parse time. -#}
{% macro trueup_model_relation(model_name) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.' ~ model_name) -%}
    {%- if node is none -%}
        {{ exceptions.raise_compiler_error("trueup: the model " ~ model_name ~ " is missing") }}
    {%- endif -%}
    {{ return(adapter.get_relation(
        database=node.database, schema=node.schema, identifier=node.alias)) }}
{%- endmacro %}
