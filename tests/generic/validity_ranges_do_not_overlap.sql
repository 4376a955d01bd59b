{#- Reference-data rule: rows with the same `key_columns` have validity ranges
    [from_column, to_column) (to empty = open-ended) that do not overlap, so that at most one
    row applies on any day. Fails naming the key and both ranges of every overlapping pair. -#}
{% test validity_ranges_do_not_overlap(model, key_columns, from_column, to_column) %}
{%- set key_label = [] -%}
{%- for column in key_columns -%}
    {%- do key_label.append("'" ~ (', ' if not loop.first else ' ') ~ column ~ "=' || a." ~ column) -%}
{%- endfor -%}
{%- set failures -%}
    select
        '{{ trueup_seed_name(model) }}' || {{ key_label | join(' || ') }}
        || ': [' || cast(a.{{ from_column }} as varchar) || ', '
        || coalesce(cast(a.{{ to_column }} as varchar), 'open') || ') overlaps ['
        || cast(b.{{ from_column }} as varchar) || ', '
        || coalesce(cast(b.{{ to_column }} as varchar), 'open') || ')' as message
    from {{ model }} as a
    inner join {{ model }} as b
        on
        {%- for column in key_columns %}
            a.{{ column }} = b.{{ column }} and
        {%- endfor %}
            (
                a.{{ from_column }} < b.{{ from_column }}
                or (
                    a.{{ from_column }} = b.{{ from_column }}
                    and coalesce(a.{{ to_column }}, cast('9999-12-31' as date))
                    < coalesce(b.{{ to_column }}, cast('9999-12-31' as date))
                )
            )
        and a.{{ from_column }} < coalesce(b.{{ to_column }}, cast('9999-12-31' as date))
        and b.{{ from_column }} < coalesce(a.{{ to_column }}, cast('9999-12-31' as date))
{%- endset -%}
{{ trueup_fail_with_messages(failures, trueup_seed_name(model) ~ ' overlapping validity') }}
{% endtest %}
