{#-
    What every landed file the books rely on was when a build first saw it: each usage file
    and each billing export visible at as_of (export_date on or before the as_of date), with
    its size, modification time and SHA-256 then, and what it was at the latest check. Files
    are immutable by contract, so fct_landing_file_incidents compares the two and lists every
    file that changed or disappeared.
    Cost: each build lists the landing folders (size and modification time) and hashes only
    the files it has not registered yet and those whose size or modification time moved since
    the latest check; the history is never re-hashed.
    Never rebuilt, not even by --full-refresh (which rebuilds staging from the files present):
    a file lost before a full refresh is still remembered, and so still reported.
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='source_file',
        full_refresh=false,
        on_schema_change='fail',
    )
}}

-- registered after the loads that read the files
-- depends_on: {{ ref('stg_usage__records') }}
-- depends_on: {{ ref('stg_billing__focus_lines') }}
-- depends_on: {{ ref('stg_billing__invoice_lines') }}

with

landed as (
    {{ trueup_watched_landing_files_sql() }}
),

visible as (
    select *
    from landed
    where landing_folder = 'usage'
        or export_date <= cast({{ trueup_as_of_sql() }} as date)
),

previous as (
    {% if is_incremental() %}
        select * from {{ this }}
    {% else %}
        select
            cast(null as varchar) as source_file,
            cast(null as varchar) as landing_folder,
            cast(null as date) as export_date,
            cast(null as bigint) as registered_size_bytes,
            cast(null as timestamp) as registered_modified_at,
            cast(null as varchar) as registered_sha256,
            cast(null as timestamp) as registered_as_of,
            cast(null as timestamp) as registered_at,
            cast(null as bigint) as checked_size_bytes,
            cast(null as timestamp) as checked_modified_at,
            cast(null as varchar) as checked_sha256,
            cast(null as timestamp) as checked_at
        where false
    {% endif %}
),

to_check as (
    -- new files, and registered files whose size or modification time moved
    select
        visible.path,
        visible.source_file,
        visible.landing_folder,
        visible.export_date,
        visible.size_bytes,
        visible.modified_at
    from visible
    left join previous on visible.source_file = previous.source_file
    where previous.source_file is null
        or visible.size_bytes <> previous.checked_size_bytes
        or visible.modified_at <> previous.checked_modified_at
),

hashed as (
    select
        *,
        {{ trueup_file_sha256_sql('path') }} as sha256
    from to_check
),

final as (
    select
        hashed.source_file,
        hashed.landing_folder,
        hashed.export_date,
        coalesce(previous.registered_size_bytes, hashed.size_bytes) as registered_size_bytes,
        coalesce(previous.registered_modified_at, hashed.modified_at) as registered_modified_at,
        coalesce(previous.registered_sha256, hashed.sha256) as registered_sha256,
        coalesce(previous.registered_as_of, {{ trueup_as_of_sql() }}) as registered_as_of,
        coalesce(previous.registered_at, {{ trueup_run_stamp_sql() }}) as registered_at,
        hashed.size_bytes as checked_size_bytes,
        hashed.modified_at as checked_modified_at,
        hashed.sha256 as checked_sha256,
        {{ trueup_run_stamp_sql() }} as checked_at
    from hashed
    left join previous on hashed.source_file = previous.source_file
)

select * from final
