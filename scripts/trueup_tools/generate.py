"""Deterministic sample usage data (SPEC section 1.1), billing exports (section 1.2) and their
independent ground truth.

`trueup generate` writes landing files under `<out>/landing/usage/ingest_date=YYYY-MM-DD/`
(JSONL, gzipped JSONL and Parquet; flat and CloudEvents records) with every fault the spec
names injected at configurable rates, then computes the expected figures with
`trueup_tools.truth` from the generator's logical records and writes them under
`<out>/truth/`. Unless `--no-billing`, `trueup_tools.billing` then bills that usage through
the provider exports under `<out>/landing/billing/` (with billing faults) and writes the
billing truth next to the usage truth. Only `random.Random(seed)` (usage) and
`random.Random(seed + 1)` (billing) drive the choices: the same options give byte-identical
files.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import gzip
import hashlib
import json
import os
import re
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum
from pathlib import Path
from random import Random
from typing import Any

import duckdb

from trueup_tools import PROJECT_DIR
from trueup_tools.billing import (
    BillingData,
    BillingTruth,
    build_billing,
    check_billing,
    compute_billing_truth,
    write_billing,
    write_billing_truth,
)
from trueup_tools.truth import (
    DEFAULT_METERS_CSV,
    REASONS,
    Instant,
    Invalid,
    Number,
    UsageRecord,
    UsageTruth,
    compute_usage_truth,
    format_quantity,
    load_meters,
    month_watermark,
)

PRODUCERS: tuple[str, ...] = ("api-gw-eu", "api-gw-us", "billing-agent", "storage-scanner")
FORMATS: tuple[str, ...] = ("jsonl", "jsonl.gz", "parquet")
JSONL_FORMATS: tuple[str, ...] = ("jsonl", "jsonl.gz")
SAMPLE_RATES: tuple[str, ...] = ("0.5", "0.25", "0.1", "0.3", "0.7", "0.4", "0.8")
UNKNOWN_METERS: tuple[str, ...] = ("gpu_hours", "legacy_bandwidth", "unknown_meter_x")
DEFAULT_START_DATE = date(2026, 8, 1)
DEFAULT_OUT = PROJECT_DIR / "data"
US = timedelta(microseconds=1)

OFFSETS: tuple[tuple[str, timezone | None], ...] = (
    ("Z", UTC),
    ("Z", UTC),
    ("+00:00", UTC),
    ("+05:30", timezone(timedelta(hours=5, minutes=30))),
    ("-08:00", timezone(timedelta(hours=-8))),
    ("", None),
)
"""Offsets a timestamp is written with (`""`: no offset, meaning UTC)."""

NUMERIC_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")
PLAIN_TEXT = re.compile(r"[ !#-\[\]-~]*")
"""Printable ASCII without `"` and `\\`: needs no JSON escaping."""
SPECIAL_NUMBERS = frozenset({"NaN", "Infinity", "-Infinity", "inf", "-inf"})


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class GeneratorConfig:
    """Everything that shapes the generated data (all rates are shares of `events`)."""

    seed: int = 42
    tenants: int = 8
    meters: tuple[str, ...] | None = None
    start_date: date = DEFAULT_START_DATE
    days: int = 61
    events: int = 5000
    formats: tuple[str, ...] = FORMATS
    cloudevents_rate: float = 0.3
    duplicate_rate: float = 0.02
    conflicting_duplicate_rate: float = 0.005
    cross_producer_rate: float = 0.005
    late_rate: float = 0.01
    clock_skew_rate: float = 0.01
    sampled_rate: float = 0.05
    quarantine_rate: float = 0.02
    beyond_horizon_rate: float = 0.002
    blank_line_rate: float = 0.01
    # sum-meter quantities with 18 significant digits (9 before the point): more than a DOUBLE
    # keeps, so the pipeline must take the digits from the text. A stress option, off by default
    # in `trueup generate` and the demo alike: far beyond real usage, they put the amounts into
    # the hundreds of millions (the test suite's data set turns them on, rate 0.004)
    wide_quantity_rate: float = 0.0
    grace_period_hours: int = 72
    max_clock_skew_minutes: int = 5
    dedupe_horizon_days: int = 35
    meters_csv: Path | None = None
    billing: bool = True
    billing_export_day: int = 3

    def rates(self) -> dict[str, float]:
        """The share-valued options, by field name."""
        return {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.name.endswith("_rate")
        }

    def to_json(self) -> dict[str, Any]:
        """A JSON-able copy (dates ISO, paths as text, tuples as lists)."""
        out: dict[str, Any] = {}
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, Path):
                value = str(value)
            elif isinstance(value, tuple):
                value = list(value)
            out[item.name] = value
        return out


def validate_config(config: GeneratorConfig, meters: dict[str, str]) -> None:
    """Raise ValueError on options that cannot produce a meaningful data set."""
    for name in ("tenants", "days", "events"):
        if getattr(config, name) < 1:
            raise ValueError(f"{name} must be >= 1")
    for name in ("grace_period_hours", "max_clock_skew_minutes", "dedupe_horizon_days"):
        if getattr(config, name) < 0:
            raise ValueError(f"{name} must be >= 0")
    for name, rate in config.rates().items():
        if not 0 <= rate <= 1:
            raise ValueError(f"{name} must be within [0, 1], got {rate}")
    if config.late_rate + config.clock_skew_rate > 1:
        raise ValueError("late_rate + clock_skew_rate must not exceed 1")
    if not config.formats or set(config.formats) - set(FORMATS):
        raise ValueError(f"formats must be a non-empty subset of {', '.join(FORMATS)}")
    unknown = sorted(set(config.meters or ()) - set(meters))
    if unknown:
        raise ValueError(f"meters not in the meters seed: {', '.join(unknown)}")
    if config.meters is not None and not config.meters:
        raise ValueError("meters must not be empty")
    if not 1 <= config.billing_export_day <= 28:
        raise ValueError("billing_export_day must be within [1, 28]")


def injection_count(rate: float, events: int) -> int:
    """How many records a fault rate asks for: at least one whenever the rate is > 0."""
    return 0 if rate <= 0 else max(1, round(rate * events))


# --------------------------------------------------------------------------- logical events


class _Omit(Enum):
    """A field left out of the record entirely (JSON key absent; Parquet NULL)."""

    ABSENT = "absent"


ABSENT = _Omit.ABSENT


@dataclass(frozen=True, slots=True)
class _Num:
    """A number as written: its text, and whether it is a JSON string (`"12.5"`)."""

    text: str
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class _BadText:
    """An unreadable timestamp text."""

    text: str


NumField = _Num | None | _Omit
"""A number field as written: text (JSON number or string), null, or absent."""


@dataclass(slots=True)
class _Event:
    """A usage event's logical payload plus when the ingestion layer received it."""

    producer: str
    event_id: str
    tenant_id: str
    meter: str
    quantity: Decimal | None
    event_ts: datetime
    ingested_at: datetime
    sample_rate: Decimal | None = None


@dataclass(eq=False)
class _Draft:
    """One record to write: rendered field values plus placement hints.

    `fields` holds, per flat field name (plus `specversion`): identifiers as `str`, numbers
    as `_Num`, timestamps as aware `datetime` or `_BadText`; `None` is JSON null and
    `ABSENT` a missing key. `kind` is `object`, `not_object` (`raw_text` is the line) or
    `no_known_fields` (`extra` is the object).
    """

    seq: int
    group_producer: str
    file_time: datetime
    kind: str = "object"
    fields: dict[str, Any] = field(default_factory=dict)
    raw_text: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    intended_reason: str | None = None
    tie_with: _Draft | None = None
    file: _File | None = None


@dataclass(eq=False)
class _File:
    """One landing file: its place, format and the drafts it holds."""

    ingest_date: date
    producer: str
    index: int
    fmt: str
    shape: str = "flat"
    ts_type: str = "varchar"
    drafts: list[_Draft] = field(default_factory=list)

    @property
    def relative_path(self) -> str:
        """Path relative to the landing root."""
        return (
            f"usage/ingest_date={self.ingest_date.isoformat()}/"
            f"{self.producer}-{self.index:03d}.{self.fmt}"
        )


@dataclass
class _Context:
    """Shared state of one generation run."""

    config: GeneratorConfig
    rng: Random
    meters: dict[str, str]
    selected: tuple[str, ...]
    tenants: tuple[str, ...]
    drafts: list[_Draft] = field(default_factory=list)

    @property
    def has_jsonl(self) -> bool:
        """Whether any JSONL format is enabled."""
        return any(fmt in JSONL_FORMATS for fmt in self.config.formats)

    def meters_with(self, *aggregations: str) -> list[str]:
        """Meters of the given aggregations: selected ones first, else any in the seed."""
        chosen = [m for m in self.selected if self.meters[m] in aggregations]
        return chosen or [m for m in sorted(self.meters) if self.meters[m] in aggregations]


def _micros(rng: Random, low: int, high: int) -> timedelta:
    """A random duration in [low, high] microseconds."""
    return timedelta(microseconds=rng.randint(low, high))


def _seconds(value: float) -> int:
    """Seconds as microseconds."""
    return int(value * 1_000_000)


def _random_instant(rng: Random, start: date, days: int) -> datetime:
    """A random UTC instant within the period; whole seconds, milliseconds or micros."""
    base = datetime(start.year, start.month, start.day, tzinfo=UTC)
    second = base + timedelta(seconds=rng.randrange(days * 86_400))
    roll = rng.random()
    if roll < 0.4:
        return second
    if roll < 0.7:
        return second + timedelta(milliseconds=rng.randrange(1000))
    return second + timedelta(microseconds=rng.randrange(1_000_000))


def _ingest_delay(rng: Random, skew_minutes: int) -> timedelta:
    """Usual ingestion delay: mostly seconds, sometimes hours; a few events arrive with a
    producer clock slightly ahead, within the tolerated skew."""
    roll = rng.random()
    if roll < 0.05:
        return -_micros(rng, 0, _seconds(skew_minutes * 60))
    if roll < 0.75:
        return _micros(rng, _seconds(0.2), _seconds(120))
    if roll < 0.95:
        return _micros(rng, _seconds(120), _seconds(3 * 3600))
    return _micros(rng, _seconds(3 * 3600), _seconds(40 * 3600))


def _decimal_text(rng: Random, int_low: int, int_high: int, max_decimals: int) -> str:
    """A plain decimal text with 0..max_decimals decimals."""
    whole = rng.randint(int_low, int_high)
    decimals = rng.randint(0, max_decimals)
    if decimals == 0:
        return str(whole)
    return f"{whole}.{rng.randrange(10**decimals):0{decimals}d}"


def _quantity_value(rng: Random, aggregation: str, wide_rate: float) -> Decimal | None:
    """A valid quantity for a meter of the given aggregation (count meters mostly omit it);
    a sum meter's is one of 18 significant digits with probability `wide_rate`."""
    roll = rng.random()
    if aggregation == "count":
        return None if roll < 0.8 else Decimal(rng.choice(("1", "1", "2", "0", "5", "1.0")))
    if aggregation == "max":
        return (
            Decimal(rng.randint(0, 500))
            if roll < 0.5
            else Decimal(_decimal_text(rng, 0, 100_000, 3))
        )
    if roll < wide_rate:
        # 18 significant digits: more than a DOUBLE keeps, so the digits must come from the text
        return Decimal(f"{rng.randint(10**8, 10**9 - 1)}.{rng.randrange(10**9):09d}")
    if roll < 0.3:
        return Decimal(rng.randint(0, 1000))
    return Decimal(_decimal_text(rng, 0, 5000, 9))


def _base_event(index: int, ctx: _Context) -> _Event:
    """One ordinary event."""
    rng, cfg = ctx.rng, ctx.config
    meter = rng.choice(ctx.selected)
    event_ts = _random_instant(rng, cfg.start_date, cfg.days)
    return _Event(
        producer=rng.choice(PRODUCERS),
        event_id=f"evt-{index:07d}-{rng.getrandbits(24):06x}",
        tenant_id=rng.choice(ctx.tenants),
        meter=meter,
        quantity=_quantity_value(rng, ctx.meters[meter], cfg.wide_quantity_rate),
        event_ts=event_ts,
        ingested_at=event_ts + _ingest_delay(rng, cfg.max_clock_skew_minutes),
    )


def _boundary_delta(rng: Random, position: int, high: int) -> timedelta:
    """Past a limit by: random for the first injection (so that one is always clearly past),
    then exactly 0 (on the limit: not past) and 1 microsecond (just past), random after."""
    if position in (1, 2):
        return timedelta(microseconds=position - 1)
    return _micros(rng, 1, high)


def _make_late(event: _Event, position: int, ctx: _Context) -> None:
    """Ingest the event after its month's watermark (the second one exactly at it)."""
    watermark = month_watermark(event.event_ts, ctx.config.grace_period_hours)
    event.ingested_at = watermark + _boundary_delta(ctx.rng, position, _seconds(15 * 86_400))


def _make_skewed(event: _Event, position: int, ctx: _Context) -> None:
    """Move event_ts ahead of ingested_at + skew (the second one exactly at the tolerance)."""
    skew = timedelta(minutes=ctx.config.max_clock_skew_minutes)
    delta = _boundary_delta(ctx.rng, position, _seconds(2 * 86_400))
    event.event_ts = event.ingested_at + skew + delta


def _make_sampled(event: _Event, ctx: _Context) -> None:
    """Give the event a sample rate (tiny quantities make the 9-decimal rounding visible)."""
    rng = ctx.rng
    event.sample_rate = Decimal(rng.choice(SAMPLE_RATES))
    if ctx.meters[event.meter] == "sum" and rng.random() < 0.3:
        event.quantity = Decimal(f"0.00000000{rng.randint(1, 9)}")


def _base_events(ctx: _Context) -> list[_Event]:
    """The base events with late, clock-skewed and sampled ones mixed in."""
    cfg, rng = ctx.config, ctx.rng
    events = [_base_event(i, ctx) for i in range(cfg.events)]
    n_late = min(injection_count(cfg.late_rate, cfg.events), cfg.events)
    n_skew = min(injection_count(cfg.clock_skew_rate, cfg.events), cfg.events - n_late)
    picked = rng.sample(range(cfg.events), n_late + n_skew)
    for position, index in enumerate(picked[:n_late]):
        _make_late(events[index], position, ctx)
    for position, index in enumerate(picked[n_late:]):
        _make_skewed(events[index], position, ctx)
    n_sampled = min(injection_count(cfg.sampled_rate, cfg.events), cfg.events)
    for index in sorted(rng.sample(range(cfg.events), n_sampled)):
        _make_sampled(events[index], ctx)
    return events


# --------------------------------------------------------------------------- rendering drafts


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


# --------------------------------------------------------------------------- quarantine


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


# --------------------------------------------------------------------------- file placement


def _numeric(field_value: Any) -> bool:
    """Whether a number field can be stored in a Parquet DECIMAL column."""
    return not isinstance(field_value, _Num) or bool(NUMERIC_TEXT.fullmatch(field_value.text))


def _needs_jsonl(draft: _Draft) -> bool:
    """Records Parquet cannot hold: non-objects and non-numeric numbers."""
    if draft.kind != "object":
        return True
    return not (_numeric(draft.fields["quantity"]) and _numeric(draft.fields["sample_rate"]))


def _needs_text_ts(draft: _Draft) -> bool:
    """Records with an unreadable timestamp text (Parquet: VARCHAR timestamp columns only)."""
    return any(isinstance(draft.fields.get(k), _BadText) for k in ("event_ts", "ingested_at"))


def _needs_shape(draft: _Draft) -> str | None:
    """A record with a specversion other than 1.0 must be written as CloudEvents."""
    return "cloudevents" if draft.fields.get("specversion") != "1.0" else None


def _compatible(file: _File, draft: _Draft) -> bool:
    """Whether the file's format (and Parquet shape / timestamp type) can hold the draft."""
    if file.fmt in JSONL_FORMATS:
        return True
    if _needs_jsonl(draft) or (_needs_text_ts(draft) and file.ts_type != "varchar"):
        return False
    shape = _needs_shape(draft)
    return shape is None or shape == file.shape


def _new_file(ctx: _Context, key: tuple[date, str], index: int, fmt: str | None = None) -> _File:
    """A file of a random enabled format (Parquet: random shape and timestamp type)."""
    rng = ctx.rng
    fmt = fmt or rng.choice(ctx.config.formats)
    shape = "cloudevents" if rng.random() < ctx.config.cloudevents_rate else "flat"
    ts_type = rng.choice(("varchar", "timestamp"))
    return _File(key[0], key[1], index, fmt, shape, ts_type)


def _file_for(ctx: _Context, key: tuple[date, str], index: int, draft: _Draft) -> _File:
    """A new file able to hold the draft."""
    jsonl = [fmt for fmt in ctx.config.formats if fmt in JSONL_FORMATS]
    if jsonl:
        return _new_file(ctx, key, index, jsonl[0])
    file = _new_file(ctx, key, index, "parquet")
    file.shape = _needs_shape(draft) or file.shape
    file.ts_type = "varchar" if _needs_text_ts(draft) else file.ts_type
    return file


def _place_group(ctx: _Context, key: tuple[date, str], drafts: list[_Draft]) -> list[_File]:
    """Spread one (ingest date, producer) group over a few files."""
    rng = ctx.rng
    initial = 1 + len(drafts) // 400 + (1 if rng.random() < 0.35 else 0)
    files = [_new_file(ctx, key, i + 1) for i in range(initial)]
    for draft in drafts:
        candidates = [f for f in files if _compatible(f, draft)]
        if draft.tie_with is not None:
            candidates = [f for f in candidates if f is not draft.tie_with.file]
        if not candidates:
            candidates = [_file_for(ctx, key, len(files) + 1, draft)]
            files.append(candidates[0])
        chosen = rng.choice(candidates)
        chosen.drafts.append(draft)
        draft.file = chosen
    for file in files:
        file.drafts.sort(key=lambda d: (d.file_time, d.seq))
    return [f for f in files if f.drafts]


def _place(ctx: _Context) -> list[_File]:
    """All files, in path order."""
    groups: dict[tuple[date, str], list[_Draft]] = defaultdict(list)
    for draft in ctx.drafts:
        groups[(draft.file_time.astimezone(UTC).date(), draft.group_producer)].append(draft)
    files: list[_File] = []
    for key in sorted(groups):
        files.extend(_place_group(ctx, key, groups[key]))
    return sorted(files, key=lambda f: f.relative_path)


# --------------------------------------------------------------------------- text forms


def format_timestamp(instant: datetime, rng: Random) -> str:
    """RFC 3339 text of an instant with a random offset (or none = UTC) and fraction."""
    suffix, zone = rng.choice(OFFSETS)
    local = instant.astimezone(zone) if zone is not None else instant.astimezone(UTC)
    text = local.strftime("%Y-%m-%dT%H:%M:%S")
    micros = local.microsecond
    if micros:
        fraction = f"{micros:06d}"
        text += "." + (fraction if rng.random() < 0.5 else fraction.rstrip("0"))
    elif rng.random() < 0.1:
        text += ".000"
    return text + suffix


def naive_utc_text(instant: datetime) -> str:
    """`YYYY-MM-DD HH:MM:SS.ffffff` in UTC, for a Parquet TIMESTAMP column."""
    return instant.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _json_string(text: str) -> str:
    """A JSON string literal (fast path for plain printable ASCII)."""
    return f'"{text}"' if PLAIN_TEXT.fullmatch(text) else json.dumps(text)


def _json_value(value: Any, rng: Random) -> str:
    """JSON text of a field value; numbers are written from their decimal text, never float."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return _json_string(value)
    if isinstance(value, _Num):
        return _json_string(value.text) if value.quoted else value.text
    if isinstance(value, datetime):
        return _json_string(format_timestamp(value, rng))
    if isinstance(value, _BadText):
        return _json_string(value.text)
    if isinstance(value, dict):
        return _json_object(list(value.items()), rng)
    return json.dumps(value)


def _json_object(items: list[tuple[str, Any]], rng: Random | None = None) -> str:
    """A JSON object from (key, value) pairs, skipping absent values."""
    rng = rng or Random(0)
    parts = [f"{_json_string(k)}: {_json_value(v, rng)}" for k, v in items if v is not ABSENT]
    return "{" + ", ".join(parts) + "}"


FLAT_KEYS = (
    "event_id",
    "producer",
    "tenant_id",
    "meter",
    "quantity",
    "event_ts",
    "ingested_at",
    "sample_rate",
)


def _flat_items(draft: _Draft, rng: Random) -> list[tuple[str, Any]]:
    """Flat (schema v1) key/value pairs, sometimes in shuffled order."""
    items = [(key, draft.fields[key]) for key in FLAT_KEYS]
    if rng.random() < 0.2:
        rng.shuffle(items)
    return items


def _ce_items(draft: _Draft) -> list[tuple[str, Any]]:
    """CloudEvents 1.0 (schema v2) attribute/value pairs."""
    f = draft.fields
    data = {k: f[k] for k in ("quantity", "sample_rate") if f[k] is not ABSENT}
    return [
        ("specversion", f["specversion"]),
        ("id", f["event_id"]),
        ("source", f["producer"]),
        ("type", f["meter"]),
        ("subject", f["tenant_id"]),
        ("time", f["event_ts"]),
        ("datacontenttype", "application/json"),
        ("data", data if data else ABSENT),
        ("ingestedat", f["ingested_at"]),
    ]


def _jsonl_shape(draft: _Draft, rng: Random, cloudevents_rate: float) -> str:
    """Shape of a JSONL object record: forced CloudEvents, else random by the rate."""
    if draft.kind != "object":
        return draft.kind
    if _needs_shape(draft) or rng.random() < cloudevents_rate:
        return "cloudevents"
    return "flat"


def _jsonl_line(draft: _Draft, shape: str, rng: Random) -> str:
    """The text of one JSONL line."""
    if shape == "not_object":
        return draft.raw_text
    if shape == "no_known_fields":
        return _json_object(list(draft.extra.items()), rng)
    if shape == "cloudevents":
        return _json_object(_ce_items(draft), rng)
    return _json_object(_flat_items(draft, rng), rng)


# --------------------------------------------------------------------------- logical records


def _text_value(value: Any) -> str | None:
    """Logical value of an identifier field."""
    return None if value is None or value is ABSENT else str(value)


def number_value(value: Any) -> Number:
    """Logical value of a number field: Decimal (incl. NaN/Infinity), Invalid or None."""
    if value is None or value is ABSENT:
        return None
    text = value.text
    if NUMERIC_TEXT.fullmatch(text) or text in SPECIAL_NUMBERS:
        return Decimal(text)
    return Invalid(text)


def _instant_value(value: Any) -> Instant:
    """Logical value of a timestamp field."""
    if value is None or value is ABSENT:
        return None
    if isinstance(value, _BadText):
        return Invalid(value.text)
    return value


def _logical(draft: _Draft, shape: str, path: str, line: int) -> UsageRecord:
    """The logical record a line or row holds."""
    if shape in ("not_object", "no_known_fields"):
        return UsageRecord(path, line, shape)
    f = draft.fields
    return UsageRecord(
        source_file=path,
        line_number=line,
        shape=shape,
        event_id=_text_value(f["event_id"]),
        producer=_text_value(f["producer"]),
        tenant_id=_text_value(f["tenant_id"]),
        meter=_text_value(f["meter"]),
        quantity=number_value(f["quantity"]),
        event_ts=_instant_value(f["event_ts"]),
        ingested_at=_instant_value(f["ingested_at"]),
        sample_rate=number_value(f["sample_rate"]),
        specversion=_text_value(f["specversion"]) if shape == "cloudevents" else None,
    )


# --------------------------------------------------------------------------- writing files


@dataclass
class _Output:
    """Rendered landing content: JSONL bytes per file and staged Parquet rows."""

    records: list[UsageRecord] = field(default_factory=list)
    jsonl: dict[str, bytes] = field(default_factory=dict)
    parquet_rows: list[dict[str, Any]] = field(default_factory=list)
    parquet_files: list[tuple[int, _File]] = field(default_factory=list)
    intended: dict[tuple[str, int], str] = field(default_factory=dict)


def _render_jsonl(file: _File, ctx: _Context, out: _Output, force_blank: bool) -> int:
    """Lines of a JSONL file (blank lines in between); returns the number of blank lines."""
    rng, path = ctx.rng, file.relative_path
    lines: list[str] = []
    blanks = 0
    for position, draft in enumerate(file.drafts):
        blank = position > 0 and rng.random() < ctx.config.blank_line_rate
        if blank or (force_blank and position == min(1, len(file.drafts) - 1)):
            lines.append("")
            blanks += 1
            out.records.append(UsageRecord(path, len(lines), "blank"))
        shape = _jsonl_shape(draft, rng, ctx.config.cloudevents_rate)
        lines.append(_jsonl_line(draft, shape, rng))
        _record(out, draft, shape, path, len(lines))
    data = ("\n".join(lines) + "\n").encode("utf-8")
    out.jsonl[path] = gzip.compress(data, mtime=0) if file.fmt == "jsonl.gz" else data
    return blanks


def _record(out: _Output, draft: _Draft, shape: str, path: str, line: int) -> None:
    """Keep the logical record (and the reason it was meant to be quarantined for)."""
    out.records.append(_logical(draft, shape, path, line))
    if draft.intended_reason:
        out.intended[(path, line)] = draft.intended_reason


def _staged_ts(value: Any, ts_type: str, rng: Random) -> str | None:
    """A timestamp as staged for Parquet: RFC 3339 text, or naive UTC for TIMESTAMP."""
    if value is None or value is ABSENT:
        return None
    if isinstance(value, _BadText):
        return value.text
    return naive_utc_text(value) if ts_type == "timestamp" else format_timestamp(value, rng)


def _staged_num(value: Any) -> str | None:
    """A number's text as staged for a Parquet DECIMAL column."""
    return None if value is None or value is ABSENT else value.text


def _render_parquet(file_id: int, file: _File, ctx: _Context, out: _Output) -> None:
    """Stage the rows of one Parquet file (written by DuckDB later)."""
    rng, path = ctx.rng, file.relative_path
    for row_number, draft in enumerate(file.drafts, start=1):
        f = draft.fields
        out.parquet_rows.append(
            {
                "file_id": file_id,
                "row_number": row_number,
                "event_id": _text_value(f["event_id"]),
                "producer": _text_value(f["producer"]),
                "tenant_id": _text_value(f["tenant_id"]),
                "meter": _text_value(f["meter"]),
                "quantity": _staged_num(f["quantity"]),
                "event_ts": _staged_ts(f["event_ts"], file.ts_type, rng),
                "ingested_at": _staged_ts(f["ingested_at"], file.ts_type, rng),
                "sample_rate": _staged_num(f["sample_rate"]),
                "specversion": _text_value(f["specversion"]),
            }
        )
        _record(out, draft, file.shape, path, row_number)
    out.parquet_files.append((file_id, file))


def _render(files: Sequence[_File], ctx: _Context) -> _Output:
    """Render every file (in path order, so the random choices are reproducible)."""
    out = _Output()
    blank_forced = ctx.config.blank_line_rate <= 0
    for file_id, file in enumerate(files):
        if file.fmt == "parquet":
            _render_parquet(file_id, file, ctx, out)
        else:
            _render_jsonl(file, ctx, out, force_blank=not blank_forced)
            blank_forced = True
    return out


STAGE_COLUMNS = (
    "event_id",
    "producer",
    "tenant_id",
    "meter",
    "quantity",
    "event_ts",
    "ingested_at",
    "sample_rate",
    "specversion",
)


def _parquet_select(file: _File) -> str:
    """The SELECT list of one Parquet file (exact DECIMAL quantities)."""
    ts = "cast({} as timestamp)" if file.ts_type == "timestamp" else "{}"
    quantity = "cast(quantity as decimal(38, 9))"
    rate = "cast(sample_rate as decimal(18, 9))"
    if file.shape == "flat":
        return (
            f"event_id, producer, tenant_id, meter, {quantity} as quantity, "
            f"{ts.format('event_ts')} as event_ts, {ts.format('ingested_at')} as ingested_at, "
            f"{rate} as sample_rate"
        )
    return (
        f"specversion, event_id as id, producer as source, tenant_id as subject, "
        f"meter as type, {ts.format('event_ts')} as time, "
        f"struct_pack(quantity := {quantity}, sample_rate := {rate}) as data, "
        f"{ts.format('ingested_at')} as ingestedat"
    )


def _write_parquet(out: _Output, landing: Path) -> None:
    """Write the staged Parquet files with DuckDB (one COPY per file)."""
    if not out.parquet_files:
        return
    with tempfile.TemporaryDirectory(prefix="trueup-generate-") as tmp:
        stage = Path(tmp) / "stage.jsonl"
        with stage.open("w", encoding="utf-8") as handle:
            for row in out.parquet_rows:
                handle.write(json.dumps(row) + "\n")
        con = duckdb.connect(":memory:")
        try:
            con.execute("set threads = 1")
            columns = {"file_id": "BIGINT", "row_number": "BIGINT"}
            columns.update(dict.fromkeys(STAGE_COLUMNS, "VARCHAR"))
            con.execute(
                "create table stage as select * from read_json(?, format = 'newline_delimited', "
                f"columns = {_duck_struct(columns)})",
                [str(stage)],
            )
            for file_id, file in out.parquet_files:
                target = landing / file.relative_path
                target.parent.mkdir(parents=True, exist_ok=True)
                quoted = str(target).replace("'", "''")
                con.execute(
                    f"copy (select {_parquet_select(file)} from stage where file_id = {file_id} "
                    f"order by row_number) to '{quoted}' (format parquet)"
                )
        finally:
            con.close()


def _duck_struct(columns: dict[str, str]) -> str:
    """A DuckDB struct literal `{'name': 'TYPE', ...}`."""
    return "{" + ", ".join(f"'{k}': '{v}'" for k, v in columns.items()) + "}"


def _write_jsonl(out: _Output, landing: Path) -> None:
    """Write the JSONL (and gzipped JSONL) files."""
    for path, data in out.jsonl.items():
        target = landing / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


# --------------------------------------------------------------------------- truth files


DAILY_COLUMNS = (
    "tenant_id",
    "meter",
    "usage_date",
    "quantity",
    "event_count",
    "duplicate_count",
    "late_event_count",
    "clock_skew_corrected_count",
)


def _write_csv(path: Path, header: Sequence[str], rows: Iterator[Sequence[Any]]) -> None:
    """A CSV file with `\\n` line endings."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _iso(instant: datetime | None) -> str:
    """ISO 8601 UTC with a `Z`, microseconds when any; empty for None."""
    if instant is None:
        return ""
    return instant.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"


def _write_truth(truth: UsageTruth, truth_dir: Path) -> None:
    """usage_daily.csv, usage_faults.json, usage_quarantine.csv, usage_duplicates.csv."""
    truth_dir.mkdir(parents=True, exist_ok=True)
    _write_csv(
        truth_dir / "usage_daily.csv",
        DAILY_COLUMNS,
        (
            (
                r.tenant_id,
                r.meter,
                r.usage_date.isoformat(),
                format_quantity(r.quantity),
                r.event_count,
                r.duplicate_count,
                r.late_event_count,
                r.clock_skew_corrected_count,
            )
            for r in truth.daily
        ),
    )
    _write_csv(
        truth_dir / "usage_quarantine.csv",
        ("source_file", "line_number", "reason", "ingested_at"),
        ((q.source_file, q.line_number, q.reason, _iso(q.ingested_at)) for q in truth.quarantine),
    )
    _write_csv(
        truth_dir / "usage_duplicates.csv",
        (
            "source_file",
            "line_number",
            "producer",
            "event_id",
            "winner_source_file",
            "winner_line_number",
            "is_conflicting",
        ),
        (
            (
                d.source_file,
                d.line_number,
                d.producer,
                d.event_id,
                d.winner_source_file,
                d.winner_line_number,
                str(d.is_conflicting).lower(),
            )
            for d in truth.duplicates
        ),
    )
    (truth_dir / "usage_faults.json").write_text(
        json.dumps(truth.faults, indent=2) + "\n", encoding="utf-8"
    )


def _check(truth: UsageTruth, out: _Output) -> None:
    """Self-check: every injected invalid record is quarantined for the intended reason
    (and nothing else is), and conservation holds per file."""
    got = {(q.source_file, q.line_number): q.reason for q in truth.quarantine}
    if got != out.intended:
        diff = sorted(set(got.items()) ^ set(out.intended.items()))[:5]
        raise RuntimeError(f"generator and truth disagree on quarantine: {diff}")
    for path, counts in truth.faults["per_file"].items():
        if (
            counts["raw_records"]
            != counts["accepted"] + counts["duplicates"] + counts["quarantined"]
        ):
            raise RuntimeError(f"conservation fails for {path}: {counts}")


def _file_manifest(files: Sequence[_File]) -> list[dict[str, Any]]:
    """Per file: path, format and (Parquet) shape and timestamp column type."""
    rows = []
    for file in files:
        row: dict[str, Any] = {
            "path": file.relative_path,
            "format": file.fmt,
            "records": len(file.drafts),
        }
        if file.fmt == "parquet":
            row.update(shape=file.shape, timestamp_type=file.ts_type)
        rows.append(row)
    return rows


def _manifest(
    config: GeneratorConfig,
    as_of: datetime,
    usage_as_of: datetime,
    files: Sequence[_File],
    billing: BillingData | None,
) -> dict[str, Any]:
    """The manifest: config, seed, as_of and the var defaults the truth was computed with.

    `as_of` is the latest readable `ingested_at` (`usage_as_of`), moved forward to 00:00 UTC
    of the last billing export_date when an export would not be visible yet."""
    return {
        "generator": "trueup_tools.generate",
        "seed": config.seed,
        "as_of": _iso(as_of),
        "as_of_utc": naive_utc_text(as_of),
        "usage_as_of": _iso(usage_as_of),
        "vars": {
            "as_of": naive_utc_text(as_of),
            "grace_period_hours": config.grace_period_hours,
            "max_clock_skew_minutes": config.max_clock_skew_minutes,
            "dedupe_horizon_days": config.dedupe_horizon_days,
        },
        "config": config.to_json(),
        "files": _file_manifest(files),
        "billing_files": [
            {
                "path": f.relative_path,
                "source_system": f.source_system,
                "format": f.fmt,
                "export_date": f.export_date.isoformat(),
                "lines": len(f.lines),
            }
            for f in (billing.files if billing else [])
        ],
    }


# --------------------------------------------------------------------------- entry points


BILLING_FOLDERS: tuple[str, ...] = ("focus", "invoice_lines")
"""The billing export formats the generator writes (`landing/billing/<format>/`)."""

GENERATED_FOLDERS: tuple[str, ...] = (
    "landing/usage",
    *(f"landing/billing/{name}" for name in BILLING_FOLDERS),
    "truth",
    "reference",
)
"""The folders under `--out` the generator writes into (relative to it). `reference` holds the
demo's amended copy of the project's seeds (`trueup demo`, written by `write_owned_files`); a
new `generate` deletes it with the generator's other earlier files."""

OWNERSHIP_FILE = "generated_files.json"
"""Under `--out`: every file the generator wrote there, with its SHA-256 (its ownership)."""


class GeneratorRefused(ValueError):
    """The output folders hold files the generator did not write: nothing was changed."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _owned(out_dir: Path) -> dict[str, str]:
    """relative path -> SHA-256 of the files the generator recorded as its own (an unreadable
    record owns nothing)."""
    try:
        record = json.loads((out_dir / OWNERSHIP_FILE).read_text(encoding="utf-8"))
        files = record["files"]
        return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _survey(out_dir: Path) -> tuple[list[Path], list[str]]:
    """(files the generator wrote and that are unchanged, everything else in its folders: files
    it did not write or that changed since, symbolic links, a file where a folder belongs)."""
    owned = _owned(out_dir)
    mine: list[Path] = []
    foreign: list[str] = []
    for folder in GENERATED_FOLDERS:
        top = out_dir / folder
        if top.is_symlink() or (top.exists() and not top.is_dir()):
            foreign.append(folder)
            continue
        for root, dirs, names in os.walk(top):
            here = Path(root)
            for name in sorted(dirs):
                if (here / name).is_symlink():
                    foreign.append((here / name).relative_to(out_dir).as_posix())
            for name in sorted(names):
                path = here / name
                relative = path.relative_to(out_dir).as_posix()
                if path.is_symlink() or not path.is_file() or owned.get(relative) != _sha256(path):
                    foreign.append(relative)
                else:
                    mine.append(path)
    return mine, sorted(foreign)


def _refusal(out_dir: Path, foreign: Sequence[str], what: str) -> GeneratorRefused:
    shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
    return GeneratorRefused(
        f"refusing to write sample data under {out_dir}: {what}: {shown}. Move them out of the "
        f"way or choose another --out; the generator deletes only files it wrote itself "
        f"(recorded in {out_dir / OWNERSHIP_FILE})."
    )


def _check_out_dir(out_dir: Path, force: bool) -> None:
    """Refuse (before anything is generated or deleted) when the generator's folders hold
    anything it did not write, unless `force`."""
    _, foreign = _survey(out_dir)
    if foreign and not force:
        raise _refusal(
            out_dir,
            foreign,
            f"{', '.join(GENERATED_FOLDERS)} hold files the generator did not write "
            "(--force writes beside them and keeps them, and a build then reads them too)",
        )


def _install(stage: Path, out_dir: Path, force: bool) -> None:
    """Replace the generator's earlier files under out_dir by the staged ones: delete only the
    files it wrote before (unchanged since), keep everything else (with `force`; without it
    there is nothing else), never overwrite a file it did not write; record what it wrote."""
    mine, foreign = _survey(out_dir)
    if foreign and not force:
        raise _refusal(out_dir, foreign, "files it did not write appeared while it was running")
    staged = sorted(p for p in stage.rglob("*") if p.is_file())
    relative = [p.relative_to(stage).as_posix() for p in staged]
    in_the_way = sorted(set(relative) & set(foreign))
    if in_the_way:
        raise _refusal(
            out_dir, in_the_way, "it would overwrite files it did not write (also with --force)"
        )
    for path in mine:
        path.unlink()
    record: dict[str, str] = {}
    for path, name in zip(staged, relative, strict=True):
        target = out_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        record[name] = _sha256(path)
        os.replace(path, target)
    for folder in GENERATED_FOLDERS:
        _prune_empty(out_dir / folder)
    (out_dir / OWNERSHIP_FILE).write_text(
        json.dumps({"generator": "trueup_tools.generate", "files": record}, indent=2) + "\n",
        encoding="utf-8",
    )


def write_owned_files(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    """Write `files` (path relative to out_dir, under one of GENERATED_FOLDERS -> bytes) and
    record them in the generator's register, beside what it already owns. As for `generate`: a
    file in the way that the generator did not write (or that changed since) is never
    overwritten -- GeneratorRefused, nothing written. Returns the paths written."""
    out_dir = Path(out_dir)
    for name in files:
        if not any(name.startswith(f"{folder}/") for folder in GENERATED_FOLDERS):
            raise ValueError(f"{name} is outside the generator's folders")
    _, foreign = _survey(out_dir)
    in_the_way = sorted(set(files) & set(foreign))
    if in_the_way:
        raise _refusal(out_dir, in_the_way, "it would overwrite files it did not write")
    owned = _owned(out_dir)
    written = []
    for name, content in sorted(files.items()):
        target = out_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        owned[name] = _sha256(target)
        written.append(target)
    (out_dir / OWNERSHIP_FILE).write_text(
        json.dumps({"generator": "trueup_tools.generate", "files": owned}, indent=2) + "\n",
        encoding="utf-8",
    )
    return written


def _prune_empty(top: Path) -> None:
    """Remove the empty folders under top (and top itself when empty); never follows links."""
    if not top.is_dir() or top.is_symlink():
        return
    for root, _dirs, _files in os.walk(top, topdown=False):
        folder = Path(root)
        if not folder.is_symlink() and not any(folder.iterdir()):
            folder.rmdir()


def _context(config: GeneratorConfig) -> _Context:
    """Seeded state for one run (validates the config)."""
    meters = load_meters(config.meters_csv or DEFAULT_METERS_CSV)
    validate_config(config, meters)
    selected = tuple(config.meters) if config.meters else tuple(meters)
    tenants = tuple(f"tenant-{i:03d}" for i in range(1, config.tenants + 1))
    return _Context(config, Random(config.seed), meters, selected, tenants)


def build_records(config: GeneratorConfig) -> tuple[list[_File], _Output, _Context]:
    """Generate and render everything in memory (nothing written)."""
    ctx = _context(config)
    events = _base_events(ctx)
    base = [(event, _new_draft(event, ctx)) for event in events]
    _inject_duplicates(ctx, base)
    _inject_cross_producer(ctx, base)
    _inject_quarantine(ctx, base)
    files = _place(ctx)
    return files, _render(files, ctx), ctx


def _usage_truth(
    config: GeneratorConfig, out: _Output, ctx: _Context, as_of: datetime
) -> UsageTruth:
    """The usage truth at as_of."""
    return compute_usage_truth(
        out.records,
        as_of,
        config.grace_period_hours,
        config.max_clock_skew_minutes,
        config.dedupe_horizon_days,
        meters=ctx.meters,
    )


def _billing(
    config: GeneratorConfig, out: _Output, ctx: _Context, truth: UsageTruth
) -> tuple[UsageTruth, BillingData | None, BillingTruth | None]:
    """Billing exports for the usage truth and their truth; the usage truth again at a later
    as_of when an export would not be visible at the usage as_of (everything is visible at
    both, so the usage figures do not change)."""
    if not config.billing:
        return truth, None, None
    billing = build_billing(
        truth.daily,
        truth.as_of,
        config.seed,
        export_day=config.billing_export_day,
        aggregations=ctx.meters,
    )
    if billing.min_as_of is not None and billing.min_as_of > truth.as_of:
        later = _usage_truth(config, out, ctx, billing.min_as_of)
        if later.daily != truth.daily or later.faults != truth.faults:
            raise RuntimeError("usage truth changed when as_of moved to the last export date")
        truth = later
    billing_truth = compute_billing_truth(
        billing.files, truth.daily, truth.as_of, aggregations=ctx.meters
    )
    check_billing(billing, billing_truth)
    return truth, billing, billing_truth


def generate(config: GeneratorConfig, out_dir: Path, force: bool = False) -> dict[str, Any]:
    """Write landing files and truth under out_dir; return the manifest.

    The generator writes only into landing/usage, landing/billing/{focus,invoice_lines}, truth
    and reference (the demo's amended seeds, see `write_owned_files`) under out_dir, and
    deletes only files it wrote there itself (recorded with their SHA-256 in
    out_dir/generated_files.json and unchanged since). Anything else in those
    folders makes it refuse (GeneratorRefused) before anything is written or deleted; with
    `force` it writes beside such files and keeps them, and it never overwrites one."""
    out_dir = Path(out_dir)
    _check_out_dir(out_dir, force)
    files, out, ctx = build_records(config)
    readable = [r.ingested_at for r in out.records if isinstance(r.ingested_at, datetime)]
    usage_as_of = max(readable)
    truth = _usage_truth(config, out, ctx, usage_as_of)
    _check(truth, out)
    truth, billing, billing_truth = _billing(config, out, ctx, truth)
    as_of = truth.as_of
    manifest = _manifest(config, as_of, usage_as_of, files, billing)
    out_dir.mkdir(parents=True, exist_ok=True)
    # everything is written to a staging folder beside the output first; only then are the
    # generator's earlier files replaced (nothing is deleted when something is in the way)
    with tempfile.TemporaryDirectory(prefix=".trueup-generate-", dir=out_dir) as tmp:
        stage = Path(tmp)
        landing = stage / "landing"
        _write_jsonl(out, landing)
        _write_parquet(out, landing)
        _write_truth(truth, stage / "truth")
        if billing is not None and billing_truth is not None:
            write_billing(billing, landing, config.seed)
            write_billing_truth(
                billing,
                billing_truth,
                stage / "truth",
                {"as_of": _iso(as_of), "usage_as_of": _iso(usage_as_of)},
            )
        (stage / "truth" / "manifest.json").write_text(
            json.dumps(manifest, indent=2) + "\n", encoding="utf-8"
        )
        _install(stage, out_dir, force)
    return manifest


def _csv_list(text: str) -> tuple[str, ...]:
    """A comma-separated option as a tuple of trimmed, non-empty items."""
    return tuple(item.strip() for item in text.split(",") if item.strip())


RATE_HELP: dict[str, str] = {
    "cloudevents_rate": "share of records written as CloudEvents (schema v2)",
    "duplicate_rate": "exact duplicates (share of --events)",
    "conflicting_duplicate_rate": "duplicates whose payload differs",
    "cross_producer_rate": "other producers re-using an event_id (distinct events)",
    "late_rate": "events ingested after their period's watermark",
    "clock_skew_rate": "events whose producer clock runs ahead of ingested_at",
    "sampled_rate": "events with a sample_rate below 1",
    "quarantine_rate": "records that must be quarantined (every reason)",
    "beyond_horizon_rate": "copies arriving after the dedupe horizon (new originals)",
    "blank_line_rate": "blank lines in JSONL files",
    "wide_quantity_rate": "STRESS OPTION: sum-meter quantities of 18 significant digits (9 before "
    "the point, more than a DOUBLE keeps) that test numeric precision; they put the amounts "
    "into the hundreds of millions, so they are off by default (the tests use 0.004)",
}
"""Help of the share-valued options (`--<name>-rate R`)."""

DESCRIPTION = """Write deterministic sample data: usage landing files (JSONL, gzipped JSONL,
Parquet; flat and CloudEvents records) and billing exports (FOCUS and invoice lines) with every
fault the specification names injected, plus their ground truth computed without SQL
(<out>/truth/). By default usage covers 2026-08-01 .. 2026-09-30 (--start-date, --days),
billing exports land on the 3rd of the next month and corrections two months later, so the data
set is complete at its manifest's as_of (<out>/truth/manifest.json; early November 2026 for the
defaults). `trueup demo` writes the same data with the same options. Numeric stress cases
(--wide-quantity-rate) are off by default."""


def add_arguments(parser: argparse.ArgumentParser, **defaults: Any) -> None:
    """Options of `trueup generate` (`defaults` overrides GeneratorConfig's, e.g. the demo's)."""
    d = dataclasses.replace(GeneratorConfig(), **defaults)
    if parser.description is None:
        parser.description = DESCRIPTION
    parser.add_argument("--seed", type=int, default=d.seed, help="random seed (default 42)")
    parser.add_argument("--tenants", type=int, default=d.tenants, help="number of tenants")
    parser.add_argument(
        "--meters",
        type=_csv_list,
        default=None,
        help="comma list of meters (default: all from the meters seed)",
    )
    parser.add_argument(
        "--meters-csv",
        type=Path,
        default=None,
        help="meters seed to read (default seeds/meters.csv)",
    )
    parser.add_argument(
        "--start-date",
        type=date.fromisoformat,
        default=d.start_date,
        help=f"first usage day (default {d.start_date})",
    )
    parser.add_argument(
        "--days", type=int, default=d.days, help=f"usage days from --start-date (default {d.days})"
    )
    parser.add_argument("--events", type=int, default=d.events, help="base events (default 5000)")
    parser.add_argument(
        "--formats",
        type=_csv_list,
        default=d.formats,
        help="comma list from jsonl,jsonl.gz,parquet (default: all)",
    )
    for item in dataclasses.fields(GeneratorConfig):
        if item.name.endswith("_rate"):
            parser.add_argument(
                "--" + item.name.replace("_", "-"),
                type=float,
                default=getattr(d, item.name),
                metavar="R",
                help=RATE_HELP.get(item.name, "share of --events")
                + f" (default {getattr(d, item.name)})",
            )
    for name in ("grace_period_hours", "max_clock_skew_minutes", "dedupe_horizon_days"):
        parser.add_argument(
            "--" + name.replace("_", "-"),
            type=int,
            default=getattr(d, name),
            help=f"dbt var value the data and truth assume ({getattr(d, name)})",
        )
    parser.add_argument(
        "--billing",
        action=argparse.BooleanOptionalAction,
        default=d.billing,
        help="also write billing exports and their truth (default: on)",
    )
    parser.add_argument(
        "--billing-export-day",
        type=int,
        default=d.billing_export_day,
        help="day of the month after a period its exports are issued (default 3)",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="output directory (default: <project>/data)"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="write even when the output folders hold files the generator did not write: they "
        "are kept (never deleted or overwritten) and a build reads them too",
    )


def config_from_args(args: argparse.Namespace) -> GeneratorConfig:
    """A GeneratorConfig from parsed options."""
    names = {f.name for f in dataclasses.fields(GeneratorConfig)}
    values = {k: v for k, v in vars(args).items() if k in names}
    return GeneratorConfig(**values)


def run(args: argparse.Namespace) -> int:
    """`trueup generate`: write the data set and print a one-line summary."""
    try:
        config = config_from_args(args)
        manifest = generate(config, args.out, force=args.force)
    except ValueError as error:
        print(f"trueup generate: {error}", file=sys.stderr)
        return 2
    faults = json.loads((Path(args.out) / "truth" / "usage_faults.json").read_text("utf-8"))
    billing = ""
    if manifest["billing_files"]:
        lines = sum(f["lines"] for f in manifest["billing_files"])
        billing = f", {len(manifest['billing_files'])} billing exports ({lines} lines)"
    print(
        f"wrote {len(manifest['files'])} files ({faults['raw_records']} records, "
        f"{faults['accepted_events']} accepted, {faults['removed_duplicates']} duplicates, "
        f"{faults['quarantined']} quarantined){billing} to {args.out}; as_of {manifest['as_of']}"
    )
    return 0
