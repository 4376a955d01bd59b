{#- Pre-hook of the stateful usage models: empties the table when the model rebuilds
    (see trueup_usage_refresh). Renders to nothing otherwise. -#}
{% macro trueup_usage_reset_hook(check_order=false, loaded_column='loaded_at') -%}
    {%- if execute and trueup_usage_refresh(
        check_order, quiet=true, loaded_column=loaded_column
    ).mode == 'rebuild' -%}
        delete from {{ this }}
    {%- endif -%}
{%- endmacro %}
