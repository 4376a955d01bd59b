{#- The text a ledger entry's hash covers (SPEC §3 Adjustment ledger): entry_id, period_start,
    tenant_id, meter, amount with 9 decimals, currency, entry_type, approval, reason,
    booked_at in ISO 8601 with microseconds (UTC, no suffix) and invocation_id, joined by the
    0x1f character. entry_hash = sha256(previous_entry_hash || this text). -#}
{% macro trueup_ledger_entry_text(prefix='') -%}
    concat_ws(
        chr(31),
        cast({{ prefix }}entry_id as varchar),
        cast({{ prefix }}period_start as varchar),
        {{ prefix }}tenant_id,
        {{ prefix }}meter,
        cast(cast({{ prefix }}amount as decimal(38, 9)) as varchar),
        coalesce({{ prefix }}currency, ''),
        {{ prefix }}entry_type,
        {{ prefix }}approval,
        {{ prefix }}reason,
        strftime({{ prefix }}booked_at, '%Y-%m-%dT%H:%M:%S.%f'),
        {{ prefix }}invocation_id
    )
{%- endmacro %}
