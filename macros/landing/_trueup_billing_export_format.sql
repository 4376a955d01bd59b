{#- The export format of a billing landing source: the last part of its landing folder
    (billing/<format>), which names the exports in messages and in source_system. -#}
{% macro _trueup_billing_export_format(source_relation) -%}
    {%- set folder = trueup_landing_folder(source_relation) -%}
    {%- if folder is none -%}
        {{ return(source_relation.identifier) }}
    {%- endif -%}
    {%- if not folder.startswith('billing/') or folder.count('/') != 1 -%}
        {{ exceptions.raise_compiler_error(
            "trueup: the landing folder of billing source " ~ source_relation
            ~ " must be billing/<format>, not " ~ folder) }}
    {%- endif -%}
    {{ return(folder.split('/')[1]) }}
{%- endmacro %}
