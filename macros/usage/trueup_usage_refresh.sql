{#- How an incremental usage model refreshes in this build, and the state it continues from:
    returns {'mode': mode, 'state': state}, state being _trueup_usage_state's dict in
    'incremental' mode and {} otherwise. Modes:
    - 'full': first build or --full-refresh;
    - 'rebuild': the model's table exists but there is no state to continue from, as_of moved
      back (a replay), or newly landed files hold records ingested at or before what was
      already processed (out-of-order arrival): the model is emptied by its pre-hook and
      recomputed from every visible record, so it always equals a build from scratch at this
      as_of;
    - 'incremental': only records that became visible since the last build are processed.
    The state is the model's own (`{{ this }}`): the maxima of its processed_as_of and of
    `loaded_column`, the latest staging load it had taken in (the rollup's loaded_through, the
    dedupe's processed_at: a build stamps what it processes with the same run stamp as the
    records it loads). A build that added no row leaves the state where it was: the next batch
    starts from there and is larger, never wrong. `check_order` enables the out-of-order check
    (dedupe depends on arrival order); `quiet` skips the log line (the pre-hook asks the same
    question as the model). -#}
{% macro trueup_usage_refresh(check_order=false, quiet=false, loaded_column='loaded_at') -%}
    {%- if not execute or not is_incremental() -%}
        {{ return({'mode': 'full', 'state': {}}) }}
    {%- endif -%}
    {%- set state = _trueup_usage_state(this, loaded_column) -%}
    {%- set why = none -%}
    {%- if not state -%}
        {%- set why = "no usage watermark to continue from" -%}
    {%- elif trueup_as_of() < state.as_of -%}
        {%- set why = "as_of " ~ trueup_as_of() ~ " is earlier than the last processed as_of "
            ~ state.as_of ~ " (a replay)" -%}
    {%- elif check_order -%}
        {%- set query -%}
            select count(*)
            from {{ ref('stg_usage__records') }}
            where loaded_at > cast('{{ state.loaded_at }}' as timestamp)
                and ingested_at <= cast('{{ state.as_of }}' as timestamp)
        {%- endset -%}
        {%- set out_of_order = run_query(query).rows[0][0] -%}
        {%- if out_of_order > 0 -%}
            {%- set why = out_of_order ~ " newly landed records were ingested before the last "
                ~ "processed as_of " ~ state.as_of ~ " (out-of-order arrival)" -%}
        {%- endif -%}
    {%- endif -%}
    {%- if why is none -%}
        {{ return({'mode': 'incremental', 'state': state}) }}
    {%- endif -%}
    {%- if not quiet and state -%}
        {{ log("trueup: " ~ this ~ ": " ~ why ~ ": rebuilding from the loaded records", info=true) }}
    {%- endif -%}
    {{ return({'mode': 'rebuild', 'state': {}}) }}
{%- endmacro %}
