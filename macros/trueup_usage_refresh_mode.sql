{#- How an incremental usage model refreshes in this build:
    - 'full': first build, --full-refresh, or an empty table;
    - 'rebuild': as_of moved back (a replay) or newly landed files hold records ingested at or
      before what was already processed (out-of-order arrival): the model is emptied by its
      pre-hook and recomputed from every visible record, so it always equals a build from
      scratch at this as_of;
    - 'incremental': only records that became visible since the last build are processed.
    `check_order` enables the out-of-order check (dedupe depends on arrival order). -#}
{% macro trueup_usage_refresh_mode(check_order=false) -%}
    {%- if not is_incremental() -%}
        {{ return('full') }}
    {%- endif -%}
    {%- set state = trueup_usage_state(this) -%}
    {%- if not execute or not state -%}
        {{ return('full') }}
    {%- endif -%}
    {%- if trueup_as_of() < state.as_of -%}
        {{ log("trueup: " ~ this ~ ": as_of " ~ trueup_as_of() ~ " is earlier than the last "
            ~ "processed as_of " ~ state.as_of ~ " (a replay): rebuilding from landed files",
            info=true) }}
        {{ return('rebuild') }}
    {%- endif -%}
    {%- if check_order -%}
        {%- set query -%}
            select count(*)
            from {{ ref('stg_usage__records') }}
            where loaded_at > cast('{{ state.loaded_at }}' as timestamp)
                and ingested_at <= cast('{{ state.as_of }}' as timestamp)
        {%- endset -%}
        {%- set late_files = run_query(query).rows[0][0] -%}
        {%- if late_files > 0 -%}
            {{ log("trueup: " ~ this ~ ": " ~ late_files ~ " newly landed records were ingested "
                ~ "before the last processed as_of " ~ state.as_of
                ~ ": rebuilding to keep dedupe order exact", info=true) }}
            {{ return('rebuild') }}
        {%- endif -%}
    {%- endif -%}
    {{ return('incremental') }}
{%- endmacro %}
