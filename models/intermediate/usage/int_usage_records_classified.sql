{#-
    Every staged usage record with its quarantine reason (NULL when usable) and, for usable
    records, canonical time, sampling weight and lateness.
    A view: consumers filter it to the records they have not processed yet, and the filter
    reaches the staging scan. The classification itself is trueup_usage_classified_records,
    which int_usage_duplicates_identified applies to just the records it needs.
-#}
{{ config(materialized='view') }}

{{ trueup_usage_classified_records(ref('stg_usage__records')) }}
