{#-
    The register of loaded usage files (int_usage_files_loaded) is what staging consults to
    skip files it has loaded, so it must list exactly the files staging holds, each with its
    staged record count and load. Fails with one row per file where they differ; after a
    rebuild of staging alone, rebuild the register too
    (dbt build --full-refresh --select int_usage_files_loaded).
-#}

with

staged as (
    select
        source_file,
        count(*) as record_count,
        max(loaded_at) as loaded_at
    from {{ ref('stg_usage__records') }}
    group by source_file
),

registered as (
    select
        source_file,
        record_count,
        loaded_at
    from {{ ref('int_usage_files_loaded') }}
),

final as (
    select
        coalesce(staged.source_file, registered.source_file) as source_file,
        staged.record_count as staged_records,
        registered.record_count as registered_records,
        staged.loaded_at as staged_at,
        registered.loaded_at as registered_at
    from staged
    full outer join registered
        on staged.source_file = registered.source_file
    where staged.source_file is null
        or registered.source_file is null
        or staged.record_count <> registered.record_count
        or staged.loaded_at <> registered.loaded_at
)

select * from final
