{#- Whether this build may close periods and book ledger entries, and why not:
    - only `dbt build`, where the data tests of everything the closes read run first and a
      failing one skips the closes and bookings (a plain `dbt run` tests nothing);
    - only a build that also rebuilt fct_trueup_variance (a partial --select run never closes
      or books against stale tables);
    - never a replay: a build whose as_of is earlier than the latest close or ledger entry
      closes and books nothing (it may still show what was known then).
    `books` names the books the caller can see, as [relation, timestamp column] pairs: its own
    earlier state (`this`) and the books it ref()s, never a relation looked up by name, so that
    every link is in dbt's lineage. The freezing model passes its own closes; the ledger its
    own entries and the closes it books against; the models and tests after the ledger both.
    (An allowed build closes every reported period whose watermark passed, so a booking after
    the latest close leaves nothing a replay could close: the closes' own latest close is
    enough for them.)
    Returns {'allowed': bool, 'why': text}. `announce` logs the decision (once per build is
    enough: the freezing model announces it). -#}
{% macro trueup_close_context(books, announce=false) -%}
    {%- if not execute -%}
        {{ return({'allowed': false, 'why': 'parsing'}) }}
    {%- endif -%}
    {%- set as_of = trueup_as_of() -%}
    {%- set why = none -%}
    {%- if flags.WHICH != 'build' -%}
        {%- set why = "this is `dbt " ~ flags.WHICH ~ "`, not `dbt build`: periods close and "
            ~ "entries are booked only in a build whose data tests pass" -%}
    {%- elif not trueup_selects_tests() -%}
        {%- set why = "no data test is part of this build (e.g. --exclude-resource-type test): "
            ~ "no period is closed and nothing is booked" -%}
    {%- elif 'model.' ~ project_name ~ '.fct_trueup_variance' not in selected_resources -%}
        {%- set why = "fct_trueup_variance is not part of this run (partial selection): "
            ~ "no period is closed and nothing is booked" -%}
    {%- else -%}
        {%- set latest = _trueup_books_latest(books) -%}
        {%- if latest is not none and as_of < latest -%}
            {%- set why = "replay: as_of " ~ as_of ~ " is earlier than the latest close or ledger "
                ~ "entry (" ~ latest ~ "): no period is closed and nothing is booked" -%}
        {%- endif -%}
    {%- endif -%}
    {%- if why is not none and announce -%}
        {{ log("trueup: " ~ why, info=true) }}
    {%- endif -%}
    {{ return({'allowed': why is none, 'why': why}) }}
{%- endmacro %}
