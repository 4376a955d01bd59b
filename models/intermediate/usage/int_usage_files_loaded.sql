{#-
    Every usage file staging has loaded: its format, staged record count and load. The
    register that stg_usage__records consults to find the files it has not loaded yet, so that
    finding them costs a read of this small table and of the staging loads after its latest,
    not a scan of every staged record.
    Incremental: adds the files of the staging loads after its latest (a range the scan prunes
    by); a file staged again (after a staging rebuild) replaces its row.
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='source_file',
        on_schema_change='fail',
    )
}}

{%- set registered_through = none -%}
{%- if execute and is_incremental() -%}
    {%- set registered_through = trueup_latest_load(this) -%}
{%- endif %}

with

staged as (
    select
        source_file,
        loaded_at
    from {{ ref('stg_usage__records') }}
    {%- if registered_through is not none %}
    where loaded_at > cast('{{ registered_through }}' as timestamp)
    {%- endif %}
),

final as (
    select
        source_file,
        {{ trueup_usage_file_format('source_file') }} as source_format,
        cast(count(*) as bigint) as record_count,
        max(loaded_at) as loaded_at
    from staged
    group by source_file
)

select * from final
