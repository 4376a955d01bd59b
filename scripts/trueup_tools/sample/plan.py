"""Stage 1, plan: the seeded run state (`_Context`, from a `GeneratorConfig`) and the base
usage events with their timing faults (late, clock-skewed, sampled). Takes the config; gives
logical `_Event`s (values as meant, before any text form).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from random import Random
from typing import Any

from trueup_tools.sample.config import (
    JSONL_FORMATS,
    PRODUCERS,
    SAMPLE_RATES,
    GeneratorConfig,
    injection_count,
    validate_config,
)
from trueup_tools.sample.usage_rules import (
    DEFAULT_METERS_CSV,
    UsageEvent,
    load_meters,
    month_watermark,
)


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


_Event = UsageEvent
"""A usage event's logical payload plus when the ingestion layer received it."""


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


def _context(config: GeneratorConfig) -> _Context:
    """Seeded state for one run (validates the config)."""
    meters = load_meters(config.meters_csv or DEFAULT_METERS_CSV)
    validate_config(config, meters)
    selected = tuple(config.meters) if config.meters else tuple(meters)
    tenants = tuple(f"tenant-{i:03d}" for i in range(1, config.tenants + 1))
    return _Context(config, Random(config.seed), meters, selected, tenants)
