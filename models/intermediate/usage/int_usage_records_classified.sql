{#-
    Every staged usage record with its quarantine reason (NULL when usable) and, for usable
    records, canonical time, sampling weight and lateness.
    A view: consumers filter it to the records they have not processed yet, and the filter
    reaches the staging scan.
-#}
{{ config(materialized='view') }}

{{ trueup_usage_classified_records(ref('stg_usage__records')) }}
