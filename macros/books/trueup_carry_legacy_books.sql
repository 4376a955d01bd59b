{#- Pre-hook of the deprecated old name of an append-only book (issue 20 item 4: ledger_heads
    and build_log became fct_ledger_heads and fct_build_log). A warehouse built before the
    rename holds the books in a table under the old name, which the old name's view is about to
    replace. This copies every row of that table whose `key` the renamed book (`books`, a ref)
    lacks into the book, inside the view's transaction, before the table is dropped: nothing is
    lost, and a rerun copies nothing twice. When the old name is already the view, or absent (a
    new warehouse), there is nothing to carry. Only the view's own earlier state (`this`) and a
    ref are read. -#}
{% macro trueup_carry_legacy_books(books, key='invocation_id') -%}
    {%- if execute -%}
        {%- set earlier = adapter.get_relation(this.database, this.schema, this.identifier) -%}
    {%- endif -%}
    {%- if execute and earlier is not none and not earlier.is_view -%}
        {%- set columns = [] -%}
        {%- for column in adapter.get_columns_in_relation(earlier) -%}
            {%- do columns.append(adapter.quote(column.name)) -%}
        {%- endfor -%}
        {{ log("trueup: " ~ this ~ " is a table of books from before the rename to " ~ books
            ~ ": carrying its rows over before the view replaces it", info=true) }}
        insert into {{ books }} ({{ columns | join(', ') }})
        select {{ columns | join(', ') }}
        from {{ earlier }} as legacy
        where not exists (
            select 1
            from {{ books }} as carried
            where carried.{{ key }} = legacy.{{ key }}
        )
    {%- endif -%}
{%- endmacro %}
