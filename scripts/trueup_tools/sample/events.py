"""Stage 2, events: each planned event as a `_Draft` (the field values it is written with),
plus the injected copies (exact and conflicting duplicates, cross-producer re-use, copies
beyond the dedupe horizon) and the records that must be quarantined, one variant per reason.
Takes the `_Context` and the base events; gives drafts registered in `ctx.drafts`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from random import Random
from typing import Any

from trueup_tools.sample.config import PRODUCERS, SAMPLE_RATES, UNKNOWN_METERS, US, injection_count
from trueup_tools.sample.plan import (
    ABSENT,
    NumField,
    _BadText,
    _base_event,
    _Context,
    _Draft,
    _Event,
    _micros,
    _Num,
    _seconds,
)
from trueup_tools.sample.text import _flat_items, _json_object, _needs_jsonl
from trueup_tools.sample.usage_rules import REASONS


def _pad(value: str, rng: Random) -> str:
    """Sometimes surround an identifier with spaces (trimmed, it is the same value)."""
    roll = rng.random()
    if roll < 0.02:
        return f"  {value} "
    if roll < 0.03:
        return f" {value}"
    return value


def _quantity_text(value: Decimal, rng: Random) -> str:
    """The text of a quantity: as is, with extra trailing zeros (<= 9 decimals) or trimmed."""
    text = format(value, "f")
    decimals = len(text.partition(".")[2])
    roll = rng.random()
    if roll < 0.15 and decimals < 9:
        zeros = rng.randint(1, 9 - decimals)
        return text + ("0" * zeros if decimals else "." + "0" * zeros)
    if roll < 0.25 and decimals:
        return text.rstrip("0").rstrip(".")
    return text


def _num_field(value: Decimal | None, rng: Random, one_when_missing: bool = False) -> NumField:
    """A number as written: JSON number or numeric string; a missing one absent or null."""
    if value is None:
        roll = rng.random()
        if one_when_missing and roll < 0.1:
            return _Num(rng.choice(("1", "1.0")), quoted=rng.random() < 0.3)
        return None if roll > 0.85 else ABSENT
    return _Num(_quantity_text(value, rng), quoted=rng.random() < 0.2)


def _new_draft(event: _Event, ctx: _Context) -> _Draft:
    """A valid record for the event, with randomly chosen (equivalent) text forms."""
    rng = ctx.rng
    draft = _Draft(
        seq=len(ctx.drafts),
        group_producer=event.producer,
        file_time=event.ingested_at,
        fields={
            "event_id": _pad(event.event_id, rng),
            "producer": _pad(event.producer, rng),
            "tenant_id": _pad(event.tenant_id, rng),
            "meter": event.meter,
            "quantity": _num_field(event.quantity, rng),
            "event_ts": event.event_ts,
            "ingested_at": event.ingested_at,
            "sample_rate": _num_field(event.sample_rate, rng, one_when_missing=True),
            "specversion": "1.0",
        },
    )
    ctx.drafts.append(draft)
    return draft


def _copy_delay(
    rng: Random, position: int, horizon: timedelta, specials: Sequence[timedelta]
) -> timedelta:
    """Arrival delay of a copy: the special (boundary) delays first, then random ones."""
    if position < len(specials):
        return specials[position]
    roll = rng.random()
    if roll < 0.6:
        return _micros(rng, _seconds(1), _seconds(3600))
    if roll < 0.9:
        return _micros(rng, _seconds(3600), _seconds(5 * 86_400))
    return _micros(rng, 1, int(horizon / US))


def _mutate(event: _Event, ctx: _Context) -> _Event:
    """A copy of the event whose payload differs (a conflicting duplicate)."""
    rng = ctx.rng
    copy = dataclasses.replace(event)
    kind = rng.choice(("quantity", "event_ts", "tenant", "sample_rate", "meter"))
    same_kind = [m for m in ctx.selected if ctx.meters[m] == ctx.meters[event.meter]]
    if kind == "tenant" and len(ctx.tenants) > 1:
        copy.tenant_id = rng.choice([t for t in ctx.tenants if t != event.tenant_id])
    elif kind == "meter" and len(same_kind) > 1:
        copy.meter = rng.choice([m for m in same_kind if m != event.meter])
    elif kind == "event_ts":
        copy.event_ts = event.event_ts - _micros(rng, 1, _seconds(3600))
    elif kind == "sample_rate":
        copy.sample_rate = Decimal(
            rng.choice([r for r in SAMPLE_RATES if Decimal(r) != event.sample_rate])
        )
    elif event.quantity is None:
        copy.quantity = Decimal(2)
    else:
        copy.quantity = event.quantity + Decimal(rng.randint(1, 9))
    return copy


def _inject_copies(
    ctx: _Context,
    base: Sequence[tuple[_Event, _Draft]],
    count: int,
    specials: Sequence[timedelta],
    conflicting: bool,
) -> None:
    """Copies of base events arriving after them (a zero delay is a tie, other file)."""
    rng = ctx.rng
    horizon = timedelta(days=ctx.config.dedupe_horizon_days)
    for position in range(count):
        event, draft = base[rng.randrange(len(base))]
        delay = _copy_delay(rng, position, horizon, specials)
        copy = _mutate(event, ctx) if conflicting else dataclasses.replace(event)
        copy.ingested_at = event.ingested_at + delay
        new = _new_draft(copy, ctx)
        if not delay:
            new.tie_with = draft


def _inject_duplicates(ctx: _Context, base: Sequence[tuple[_Event, _Draft]]) -> None:
    """Exact and conflicting duplicates, and copies arriving beyond the dedupe horizon."""
    cfg = ctx.config
    horizon = timedelta(days=cfg.dedupe_horizon_days)
    zero = timedelta(0)
    _inject_copies(
        ctx,
        base,
        injection_count(cfg.duplicate_rate, cfg.events),
        (zero, horizon, horizon - US, zero),
        conflicting=False,
    )
    _inject_copies(
        ctx,
        base,
        injection_count(cfg.conflicting_duplicate_rate, cfg.events),
        (zero, horizon),
        conflicting=True,
    )
    n_beyond = injection_count(cfg.beyond_horizon_rate, cfg.events)
    beyond = [horizon + US, horizon + timedelta(seconds=1)]
    beyond += [
        horizon + _micros(ctx.rng, _seconds(60), _seconds(20 * 86_400)) for _ in range(n_beyond)
    ]
    _inject_copies(ctx, base, n_beyond, beyond, conflicting=False)


def _inject_cross_producer(ctx: _Context, base: Sequence[tuple[_Event, _Draft]]) -> None:
    """Other producers re-using an existing event_id: distinct, valid events."""
    rng, cfg = ctx.rng, ctx.config
    for _ in range(injection_count(cfg.cross_producer_rate, cfg.events)):
        event, _draft = base[rng.randrange(len(base))]
        other = _base_event(0, ctx)
        other.producer = rng.choice([p for p in PRODUCERS if p != event.producer])
        other.event_id = event.event_id
        _new_draft(other, ctx)


Variant = Callable[[_Draft, _Context], None]


def _set(**values: Any) -> Variant:
    """A variant that overwrites some fields."""

    def apply(draft: _Draft, _ctx: _Context) -> None:
        draft.fields.update(values)

    return apply


def _line(*texts: str) -> Variant:
    """A variant whose line is one of the given non-object texts."""

    def apply(draft: _Draft, ctx: _Context) -> None:
        draft.kind = "not_object"
        draft.raw_text = ctx.rng.choice(texts)

    return apply


def _truncated(draft: _Draft, ctx: _Context) -> None:
    """A flat JSON object cut in the middle."""
    text = _json_object(_flat_items(draft, ctx.rng), ctx.rng)
    draft.kind = "not_object"
    draft.raw_text = text[: len(text) // 2].rstrip()


def _array(draft: _Draft, ctx: _Context) -> None:
    """A JSON array holding the object (not an object itself)."""
    draft.kind = "not_object"
    draft.raw_text = "[" + _json_object(_flat_items(draft, ctx.rng), ctx.rng) + "]"


def _no_known_fields(draft: _Draft, ctx: _Context) -> None:
    """An object with neither flat nor CloudEvents fields."""
    draft.kind = "no_known_fields"
    draft.extra = ctx.rng.choice(({"hello": "world", "value": 3}, {}, {"EventId": "x-1"}))


def _unknown_meter(draft: _Draft, ctx: _Context) -> None:
    """A meter that is not in the seed."""
    names = [m for m in UNKNOWN_METERS if m not in ctx.meters] or ["not-a-meter-" + "x" * 8]
    draft.fields["meter"] = ctx.rng.choice(names)


def _unknown_meter_bad_rate(draft: _Draft, ctx: _Context) -> None:
    """Unknown meter and an invalid sample rate: unknown_meter wins."""
    _unknown_meter(draft, ctx)
    draft.fields["sample_rate"] = _Num("1.5")


def _negative_quantity(draft: _Draft, ctx: _Context) -> None:
    """A negative quantity (any meter)."""
    draft.fields["quantity"] = _Num(f"-{ctx.rng.randint(1, 99)}.5", quoted=ctx.rng.random() < 0.3)


def _missing_quantity(draft: _Draft, ctx: _Context) -> None:
    """No quantity on a sum (or max) meter; absent or null."""
    draft.fields["meter"] = ctx.rng.choice(ctx.meters_with("sum") or ctx.meters_with("max"))
    draft.fields["quantity"] = ctx.rng.choice((ABSENT, None))


QUARANTINE_VARIANTS: dict[str, tuple[tuple[str, Variant], ...]] = {
    "malformed_record": (
        (
            "non_json_text",
            _line(
                "this is not json",
                "<html><body>502 Bad Gateway</body></html>",
                "event_id=abc;tenant=x",
            ),
        ),
        ("truncated_json", _truncated),
        ("json_array", _array),
        ("json_scalar", _line("42", '"just a string"', "true", "null", "[1, 2, 3]")),
    ),
    "unsupported_schema": (
        ("specversion_0_3", _set(specversion="0.3")),
        ("no_known_fields", _no_known_fields),
        ("specversion_0_3_blank_tenant", _set(specversion="0.3", tenant_id=" ")),
    ),
    "missing_event_id": (
        ("event_id_absent", _set(event_id=ABSENT)),
        ("event_id_blank", _set(event_id="   ")),
        ("event_id_null", _set(event_id=None)),
        ("producer_absent", _set(producer=ABSENT)),
        ("event_id_empty_bad_timestamp", _set(event_id="", event_ts=_BadText("not-a-timestamp"))),
    ),
    "missing_tenant": (
        ("tenant_empty", _set(tenant_id="")),
        ("tenant_spaces", _set(tenant_id="   ")),
        ("tenant_absent", _set(tenant_id=ABSENT)),
        ("tenant_blank_negative_quantity", _set(tenant_id="", quantity=_Num("-3"))),
    ),
    "unknown_meter": (
        ("meter_not_in_seed", _unknown_meter),
        ("unknown_meter_bad_sample_rate", _unknown_meter_bad_rate),
    ),
    "invalid_quantity": (
        ("negative", _negative_quantity),
        ("non_numeric_string", _set(quantity=_Num("twelve", quoted=True))),
        ("nan_string", _set(quantity=_Num("NaN", quoted=True))),
        ("missing_on_sum_meter", _missing_quantity),
        ("infinity_string", _set(quantity=_Num("Infinity", quoted=True))),
        (
            "bad_quantity_bad_timestamp",
            _set(quantity=_Num("12,5", quoted=True), event_ts=_BadText("yesterday")),
        ),
    ),
    "invalid_timestamp": (
        ("event_ts_unparseable", _set(event_ts=_BadText("not-a-timestamp"))),
        ("event_ts_absent", _set(event_ts=ABSENT)),
        ("ingested_at_unparseable", _set(ingested_at=_BadText("sometime yesterday"))),
        ("event_ts_impossible_date", _set(event_ts=_BadText("2026-08-32T10:00:00Z"))),
        ("ingested_at_absent", _set(ingested_at=ABSENT)),
        ("event_ts_null", _set(event_ts=None)),
    ),
    "timestamp_out_of_range": (
        ("event_ts_1900", _set(event_ts=datetime(1900, 1, 1, 12, 0, tzinfo=UTC))),
    ),
    "invalid_sample_rate": (
        ("zero", _set(sample_rate=_Num("0"))),
        ("above_one", _set(sample_rate=_Num("1.5"))),
        ("negative", _set(sample_rate=_Num("-0.2"))),
        ("non_numeric", _set(sample_rate=_Num("abc", quoted=True))),
    ),
}
"""How each quarantine reason is injected (the variants are cycled through in order)."""


KEY_BREAKING = frozenset({"malformed_record", "unsupported_schema", "missing_event_id"})


def _variants_for(ctx: _Context) -> list[tuple[str, str, Variant]]:
    """(reason, variant, function) in cycling order, limited to what the formats can hold."""
    instant = datetime(2026, 1, 1, tzinfo=UTC)
    probe_event = _Event("p", "e", "t", ctx.selected[0], Decimal(1), instant, instant)
    table: list[list[tuple[str, str, Variant]]] = []
    for reason in REASONS:
        usable = []
        for name, apply in QUARANTINE_VARIANTS[reason]:
            probe = _Draft(
                seq=0,
                group_producer="p",
                file_time=probe_event.ingested_at,
                fields=_probe_fields(probe_event),
            )
            apply(probe, _Context(ctx.config, Random(0), ctx.meters, ctx.selected, ctx.tenants))
            if ctx.has_jsonl or not _needs_jsonl(probe):
                usable.append((reason, name, apply))
        table.append(usable)
    longest = max(len(row) for row in table)
    return [row[i % len(row)] for i in range(longest) for row in table if row]


def _probe_fields(event: _Event) -> dict[str, Any]:
    """Plain fields of an event (for checking what a variant needs)."""
    return {
        "event_id": event.event_id,
        "producer": event.producer,
        "tenant_id": event.tenant_id,
        "meter": event.meter,
        "quantity": _Num("1"),
        "event_ts": event.event_ts,
        "ingested_at": event.ingested_at,
        "sample_rate": ABSENT,
        "specversion": "1.0",
    }


def _inject_quarantine(ctx: _Context, base: Sequence[tuple[_Event, _Draft]]) -> None:
    """Invalid records, every reason and variant in turn; some re-use a valid event's key,
    arriving before or after it (an invalid copy is neither original nor duplicate)."""
    rng, cfg = ctx.rng, ctx.config
    variants = _variants_for(ctx)
    count = injection_count(cfg.quarantine_rate, cfg.events)
    if count:
        count = max(count, len({reason for reason, _name, _apply in variants}))
    for position in range(count):
        reason, _name, apply = variants[position % len(variants)]
        event, _draft = base[rng.randrange(len(base))]
        copy = dataclasses.replace(event)
        if reason in KEY_BREAKING or rng.random() < 0.5:
            copy.event_id = f"bad-{position:05d}-{rng.getrandbits(24):06x}"
        sign = 1 if rng.random() < 0.5 else -1
        copy.ingested_at = event.ingested_at + sign * _micros(rng, _seconds(1), _seconds(600))
        draft = _new_draft(copy, ctx)
        apply(draft, ctx)
        draft.intended_reason = reason
