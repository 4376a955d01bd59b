{#- Every billing export file visible at as_of, of both formats, whether or not it has lines:
    an empty export (zero bytes, only blank lines, only a header) is an export with nothing in
    it, and fct_billing_tieout shows it with zero totals. source_file names are unique across
    formats (they start with billing/<format>/). -#}

with

-- the export files of both billing sources, listed by the engine's reader (the seam)
final as (
    {{ trueup_read_export_files([
        source('billing', 'focus_lines'), source('billing', 'invoice_lines'),
    ]) }}
)

select * from final
