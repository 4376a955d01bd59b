{#-
    Landed files are immutable by contract: every usage file and billing export the books rely
    on must still be there with the same bytes (fct_landing_file_incidents). Fails the build,
    before any close or booking, naming each file that changed or disappeared, with a count of
    what is missing per folder (a landing root that lost its files, or a different root, must
    not look like a quiet day). Resolve by restoring the files; a deliberate removal can be
    acknowledged in the seed landing_file_acknowledgements (see the README).
-#}

{%- set failures -%}
    with

    incidents as (
        select * from {{ ref('fct_landing_file_incidents') }}
        where not is_acknowledged
    ),

    registered as (
        select * from {{ ref('int_landing_files_registered') }}
    ),

    per_file as (
        select
            case
                when incident_type = 'missing' and landing_folder = 'billing'
                    then 'billing export ' || source_file || ' (export_date '
                    || cast(export_date as varchar) || ', '
                    || cast(registered_size_bytes as varchar) || ' bytes) is missing'
                when incident_type = 'missing'
                    then 'usage file ' || source_file || ' ('
                    || cast(registered_size_bytes as varchar) || ' bytes, loaded) is missing'
                else source_file || ' changed after it was loaded: '
                    || cast(registered_size_bytes as varchar) || ' bytes, sha256 '
                    || substring(registered_sha256, 1, 12) || '... then; '
                    || cast(current_size_bytes as varchar) || ' bytes, sha256 '
                    || coalesce(substring(current_sha256, 1, 12) || '...', 'not checked')
                    || ' now'
            end as message
        from incidents
    ),

    shrunk as (
        select
            registered.landing_folder,
            count(*) as registered_files,
            sum(case when incidents.incident_type = 'missing' then 1 else 0 end) as missing_files
        from registered
        left join incidents on registered.source_file = incidents.source_file
        group by registered.landing_folder
    ),

    summary as (
        select
            '(' || cast(missing_files as varchar) || ' of ' || cast(registered_files as varchar)
            || ' registered ' || landing_folder || ' files missing)' as message
        from shrunk
        where missing_files > 0
    )

    select message from summary
    union all
    select message from per_file
{%- endset -%}

{{ trueup_fail_with_messages(
    failures,
    'landing files changed or missing under ' ~ trueup_landing_path()
    ~ '; restore them (files are immutable), or acknowledge a deliberate removal in the seed'
    ~ ' landing_file_acknowledgements'
) }}
