{#- Every billing export file visible at as_of, of both formats, whether or not it has lines:
    an empty export (zero bytes, only blank lines, only a header) is an export with nothing in
    it, and billing_tieout shows it with zero totals. source_file names are unique across
    formats (they start with billing/<format>/). -#}

{%- set exports = [] -%}
{%- for export_format in ['focus', 'invoice_lines'] -%}
    {%- for file in trueup_billing_export_files(export_format) -%}
        {%- do exports.append(
            "select '" ~ export_format ~ "' as source_system, '"
            ~ (file['source_file'] | replace("'", "''")) ~ "' as source_file, cast('"
            ~ file['export_date'] ~ "' as date) as export_date, cast("
            ~ file['size_bytes'] ~ " as bigint) as size_bytes"
        ) -%}
    {%- endfor -%}
{%- endfor -%}
{%- if exports | length == 0 -%}
    {%- do exports.append(
        "select cast(null as varchar) as source_system, cast(null as varchar) as source_file,"
        ~ " cast(null as date) as export_date, cast(null as bigint) as size_bytes where false"
    ) -%}
{%- endif %}

with

final as (
    {{ exports | join('\n    union all\n    ') }}
)

select * from final
