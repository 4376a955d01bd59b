{#- Every landed file that changed or disappeared after the books relied on it (files are
    immutable by contract): one row per incident, i.e. per registered file that is `missing`
    from the landing root now or whose bytes `changed` (another size, or another SHA-256 at the
    latest check). A deliberate removal acknowledged in the seed landing_file_acknowledgements
    (file and the SHA-256 it was registered with) stays listed, marked acknowledged; every other
    incident fails the build (assert_no_landing_file_incidents) before any close or booking.
    Billing exports are compared whatever the as_of, so a replay that sees fewer exports is no
    incident. -#}

with

registered as (
    select * from {{ ref('int_landing_files_registered') }}
),

acknowledgements as (
    select * from {{ ref('landing_file_acknowledgements') }}
),

landed as (
    {{ trueup_watched_landing_files_sql() }}
),

compared as (
    select
        registered.source_file,
        registered.landing_folder,
        registered.export_date,
        case
            when landed.source_file is null then 'missing'
            when registered.checked_size_bytes <> registered.registered_size_bytes
                or landed.size_bytes <> registered.registered_size_bytes
                or registered.checked_sha256 <> registered.registered_sha256 then 'changed'
        end as incident_type,
        registered.registered_size_bytes,
        registered.registered_sha256,
        registered.registered_as_of,
        landed.size_bytes as current_size_bytes,
        landed.modified_at as current_modified_at,
        case when landed.source_file is not null then registered.checked_sha256 end
            as current_sha256
    from registered
    left join landed on registered.source_file = landed.source_file
),

final as (
    select
        compared.source_file,
        compared.landing_folder,
        compared.export_date,
        compared.incident_type,
        compared.registered_size_bytes,
        compared.registered_sha256,
        compared.registered_as_of,
        compared.current_size_bytes,
        compared.current_modified_at,
        compared.current_sha256,
        acknowledgements.acknowledged_by,
        acknowledgements.note as acknowledgement_note,
        compared.incident_type = 'missing'
        and acknowledgements.source_file is not null as is_acknowledged,
        {{ trueup_run_stamp_sql() }} as detected_at
    from compared
    left join acknowledgements
        on compared.source_file = acknowledgements.source_file
        and compared.registered_sha256 = acknowledgements.registered_sha256
    where compared.incident_type is not null
)

select * from final
