{#- Per billing export file (every visible export, also an empty one, which shows zero lines and
    zero totals): the file's total (every line whose amount can be read, straight
    from staging) against the three places its lines end up — reconciled usage, non-usage
    lines, unmapped lines. `difference` must be 0 (tested in every build). Every readable
    amount is below 10^15, so a file's sums fit DECIMAL(38, 15) below 10^8 lines; a file with
    more stops the build naming it instead of overflowing. -#}

with

export_files as (
    select * from {{ ref('stg_billing__export_files') }}
),

focus_lines as (
    select * from {{ ref('stg_billing__focus_lines') }}
),

invoice_lines as (
    select * from {{ ref('stg_billing__invoice_lines') }}
),

mapped_lines as (
    select * from {{ ref('int_billing_lines_mapped') }}
),

staged_lines as (
    select
        source_system,
        source_file,
        billed_cost as amount
    from focus_lines

    union all

    select
        source_system,
        source_file,
        amount
    from invoice_lines
),

file_line_counts as (
    select
        source_file,
        count(*) as line_count
    from staged_lines
    group by source_file
),

summable_files as (
    select source_file
    from file_line_counts
    where
        case
            when line_count >= 100000000
                then {{ trueup_raise_error(
                    "'trueup: billing export ' || source_file"
                    ~ " || ' has 10^8 lines or more: its sums may not fit DECIMAL(38, 15);"
                    ~ " split the export into smaller files'"
                ) }} is null
            else true
        end
),

line_totals as (
    select
        staged_lines.source_system,
        staged_lines.source_file,
        count(*) as line_count,
        coalesce(sum(staged_lines.amount), 0) as total_amount,
        count(case when staged_lines.amount is null then 1 end) as unreadable_amount_lines
    from staged_lines
    inner join summable_files on staged_lines.source_file = summable_files.source_file
    group by staged_lines.source_system, staged_lines.source_file
),

file_totals as (
    select
        export_files.source_system,
        export_files.source_file,
        export_files.export_date,
        coalesce(line_totals.line_count, 0) as line_count,
        coalesce(line_totals.total_amount, 0) as total_amount,
        coalesce(line_totals.unreadable_amount_lines, 0) as unreadable_amount_lines
    from export_files
    left join line_totals on export_files.source_file = line_totals.source_file
),

buckets as (
    select
        mapped_lines.source_file,
        coalesce(
            sum(case when mapped_lines.bucket = 'reconciled_usage' then mapped_lines.amount end),
            0
        ) as reconciled_usage_amount,
        coalesce(sum(case when mapped_lines.bucket = 'non_usage' then mapped_lines.amount end), 0)
            as non_usage_amount,
        coalesce(sum(case when mapped_lines.bucket = 'unmapped' then mapped_lines.amount end), 0)
            as unmapped_amount,
        count(case when mapped_lines.bucket = 'unmapped' then 1 end) as unmapped_lines
    from mapped_lines
    inner join summable_files on mapped_lines.source_file = summable_files.source_file
    group by mapped_lines.source_file
),

final as (
    select
        file_totals.source_system,
        file_totals.source_file,
        file_totals.export_date,
        file_totals.line_count,
        cast(file_totals.total_amount as decimal(38, 15)) as total_amount,
        cast(coalesce(buckets.reconciled_usage_amount, 0) as decimal(38, 15))
            as reconciled_usage_amount,
        cast(coalesce(buckets.non_usage_amount, 0) as decimal(38, 15)) as non_usage_amount,
        cast(coalesce(buckets.unmapped_amount, 0) as decimal(38, 15)) as unmapped_amount,
        coalesce(buckets.unmapped_lines, 0) as unmapped_lines,
        file_totals.unreadable_amount_lines,
        cast(
            file_totals.total_amount
            - coalesce(buckets.reconciled_usage_amount, 0)
            - coalesce(buckets.non_usage_amount, 0)
            - coalesce(buckets.unmapped_amount, 0)
            as decimal(38, 15)
        ) as difference
    from file_totals
    left join buckets on file_totals.source_file = buckets.source_file
)

select * from final
