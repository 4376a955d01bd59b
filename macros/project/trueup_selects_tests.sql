{#- Whether this invocation runs any data test (a `dbt build` without
    --exclude-resource-type test). Runs at execute time only. -#}
{% macro trueup_selects_tests() -%}
    {%- for unique_id in selected_resources -%}
        {%- if unique_id.startswith('test.') -%}
            {{ return(true) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}
