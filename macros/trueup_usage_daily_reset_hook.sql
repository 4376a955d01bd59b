{#- Pre-hook of int_usage_daily_rolled_up: empties it before a full recompute, so that days
    that no longer hold any visible event disappear too. -#}
{% macro trueup_usage_daily_reset_hook(events_relation) -%}
    {%- if is_incremental() and execute
        and trueup_usage_daily_refresh(events_relation).mode == 'full' -%}
        delete from {{ this }}
    {%- endif -%}
{%- endmacro %}
