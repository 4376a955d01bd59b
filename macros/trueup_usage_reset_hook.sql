{#- Pre-hook of the stateful usage models: empties the table when the model rebuilds
    (see trueup_usage_refresh). Renders to nothing otherwise. -#}
{% macro trueup_usage_reset_hook(check_order=false, watermark=false) -%}
    {%- if execute and trueup_usage_refresh(
        check_order, quiet=true, watermark=watermark
    ).mode == 'rebuild' -%}
        delete from {{ this }}
    {%- endif -%}
{%- endmacro %}
