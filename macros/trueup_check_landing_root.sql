{#- Stops the run before any model when the landing root does not exist (a typo or an unmounted
    volume must not look like a quiet day), if the run selects a model that reads the landing
    folder (listed below). An existing empty root is fine: it means no data. Called by the
    on-run-start hook; it lists a folder outside the landing contract, so it reads no file. -#}
{% macro trueup_check_landing_root() -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set readers = [] -%}
    {%- for name in ['stg_usage__records', 'stg_billing__focus_lines', 'stg_billing__invoice_lines',
                     'int_landing_files_registered', 'fct_landing_file_incidents'] -%}
        {%- if 'model.' ~ project_name ~ '.' ~ name in selected_resources -%}
            {%- do readers.append(name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if readers -%}
        {%- do run_query(
            "select count(*) from (" ~ trueup_landed_files_sql('.trueup-landing-root-check') ~ ")"
        ) -%}
    {%- endif -%}
{%- endmacro %}
