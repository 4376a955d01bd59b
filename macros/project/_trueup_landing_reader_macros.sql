{#- The macros that list landing files for a model that reads the landing without a landing
    source (the file register and the incident check watch every landed file). -#}
{% macro _trueup_landing_reader_macros() -%}
    {{ return(['trueup_watched_landing_files_sql', 'trueup_landed_files_sql']) }}
{%- endmacro %}
