{#- A text field of a billing export with the export's null spellings made SQL NULL: empty
    or blank, and the tokens NULL, None, NA, N/A in any case. Trimmed otherwise. -#}
{% macro trueup_null_token(expression) -%}
    case
        when upper(trim({{ expression }})) in ('', 'NULL', 'NONE', 'NA', 'N/A') then null
        else trim({{ expression }})
    end
{%- endmacro %}
