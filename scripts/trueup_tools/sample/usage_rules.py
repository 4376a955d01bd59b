"""Logical usage records and the SPEC's per-record rules (sections 2 and 3).

Everything here works on *logical* records: the values a landing file holds, already
decoded by the generator (a quantity is a `Decimal`, a timestamp an aware `datetime`,
an unreadable value an `Invalid`). Nothing re-parses the landing files, so the dbt
models can be tested against this module and `usage_truth` as an independent implementation
of the spec: visibility, quarantine reasons, canonical time, watermarks, weights. Shared by
the generator's stages (which must hit these rules on purpose) and the usage truth.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal
from pathlib import Path
from typing import Any

from trueup_tools import PROJECT_DIR
from trueup_tools.vocabulary import reason_names

REASONS: tuple[str, ...] = reason_names("usage")
"""Quarantine reasons, in precedence order (the first that applies wins): the usage rows of the
seed `quarantine_reasons`, the one list the models' tests read too. Which reason a record gets
is decided by the rules below, not by the seed."""


SHAPES: tuple[str, ...] = ("flat", "cloudevents", "not_object", "no_known_fields", "blank")
"""Logical shapes of a physical line or row."""


AGGREGATIONS: tuple[str, ...] = ("sum", "count", "max")


DEFAULT_METERS_CSV = PROJECT_DIR / "seeds" / "meters.csv"


SCALE = Decimal("1e-9")
"""DECIMAL(38, 9): quantities and weights carry 9 decimals."""


DECIMAL_CONTEXT = Context(prec=120, rounding=ROUND_HALF_UP)
"""Arithmetic context: far more digits than DECIMAL(38, 9) needs, half away from zero."""


ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class Invalid:
    """A value present in the record that cannot be read (e.g. `"abc"` as a quantity)."""

    text: str


Number = Decimal | Invalid | None
"""A numeric field: a Decimal (possibly NaN/Infinity), an unreadable value, or missing."""


Instant = datetime | Invalid | None
"""A timestamp field: an instant (naive means UTC), an unreadable value, or missing."""


@dataclass(frozen=True, slots=True)
class UsageRecord:
    """One physical line (JSONL) or row (Parquet) of a landing file, logically decoded.

    `source_file` is relative to the landing root (`usage/ingest_date=.../x.jsonl`) and
    `line_number` is 1-based (JSONL physical line, blank lines included; Parquet row).
    Identifier fields hold the text as written (untrimmed; `None` when absent or null).
    For `cloudevents` records the fields are the mapped attributes (`id` -> `event_id`,
    `source` -> `producer`, `subject` -> `tenant_id`, `type` -> `meter`, `time` ->
    `event_ts`, `ingestedat` -> `ingested_at`, `data.*`) and `specversion` is set.
    """

    source_file: str
    line_number: int
    shape: str
    event_id: str | None = None
    producer: str | None = None
    tenant_id: str | None = None
    meter: str | None = None
    quantity: Number = None
    event_ts: Instant = None
    ingested_at: Instant = None
    sample_rate: Number = None
    specversion: str | None = None


@dataclass(slots=True)
class UsageEvent:
    """A usage event's values as meant (typed, identifiers trimmed) and when the ingestion
    layer received it: the plan's logical events and the usage truth's valid records."""

    producer: str
    event_id: str
    tenant_id: str
    meter: str
    quantity: Decimal | None
    event_ts: datetime
    ingested_at: datetime
    sample_rate: Decimal | None = None


@dataclass(frozen=True, slots=True)
class DailyRow:
    """One row of `finance.fct_usage_daily`."""

    tenant_id: str
    meter: str
    usage_date: date
    quantity: Decimal
    event_count: int
    duplicate_count: int
    late_event_count: int
    clock_skew_corrected_count: int


@dataclass(frozen=True, slots=True)
class QuarantineRow:
    """One row of `ops.fct_usage_quarantine` (without the raw text)."""

    source_file: str
    line_number: int
    reason: str
    ingested_at: datetime | None


@dataclass(frozen=True, slots=True)
class DuplicateRow:
    """One removed copy, as listed in `ops.fct_usage_duplicates`."""

    source_file: str
    line_number: int
    producer: str
    event_id: str
    winner_source_file: str
    winner_line_number: int
    is_conflicting: bool


@dataclass(frozen=True, slots=True)
class AcceptedEvent:
    """An accepted unique event with its canonical time and sampling weight."""

    source_file: str
    line_number: int
    producer: str
    event_id: str
    tenant_id: str
    meter: str
    aggregation: str
    quantity: Decimal | None
    sample_rate: Decimal | None
    event_at: datetime
    ingested_at: datetime
    weight: Decimal
    is_late: bool
    is_clock_skew_corrected: bool
    is_new_original: bool


@dataclass(slots=True)
class UsageTruth:
    """Everything `compute_usage_truth` derives at one `as_of`."""

    as_of: datetime
    daily: list[DailyRow]
    faults: dict[str, Any]
    quarantine: list[QuarantineRow] = field(default_factory=list)
    duplicates: list[DuplicateRow] = field(default_factory=list)
    accepted: list[AcceptedEvent] = field(default_factory=list)


def load_meters(path: Path | None = None) -> dict[str, str]:
    """Read `meter -> aggregation` from a meters seed CSV (default `seeds/meters.csv`)."""
    meters: dict[str, str] = {}
    with (path or DEFAULT_METERS_CSV).open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = (row.get("meter") or "").strip()
            aggregation = (row.get("aggregation") or "").strip().lower()
            if not name:
                continue
            if aggregation not in AGGREGATIONS:
                raise ValueError(f"meter {name!r}: unknown aggregation {aggregation!r}")
            meters[name] = aggregation
    if not meters:
        raise ValueError("the meters seed holds no meter")
    return meters


def to_utc(value: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken as UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def as_of_instant(as_of: datetime | date) -> datetime:
    """`as_of` as an aware UTC instant; a plain date means 00:00 UTC of that date."""
    if isinstance(as_of, datetime):
        return to_utc(as_of)
    return datetime.combine(as_of, time(0), tzinfo=UTC)


WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""What identifiers are trimmed of: Unicode's White_Space characters (macro trueup_white_space).
Python's str.strip() would also strip U+001C-U+001F, which are not white space."""


TIME_RANGE = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
"""Accepted event_ts and ingested_at: from the first (inclusive) to the second (exclusive)."""


MAX_QUANTITY = Decimal("1e15")
"""A quantity, weighted as its meter aggregates it, must stay below this bound."""


def trimmed(value: str | None) -> str | None:
    """An identifier trimmed of surrounding white space; blank or missing gives None."""
    if value is None:
        return None
    stripped = value.strip(WHITE_SPACE)
    return stripped or None


def readable_instant(value: Instant) -> datetime | None:
    """The UTC instant of a timestamp field, or None when missing or unreadable."""
    return to_utc(value) if isinstance(value, datetime) else None


def is_visible(record: UsageRecord, as_of: datetime) -> bool:
    """Visible at `as_of`: ingested at or before it, or its `ingested_at` is unreadable."""
    ingested = readable_instant(record.ingested_at)
    return ingested is None or ingested <= as_of


def _quantity_ok(quantity: Number, aggregation: str) -> bool:
    """A quantity is valid when finite and >= 0; only a count meter may omit it."""
    if quantity is None:
        return aggregation == "count"
    return isinstance(quantity, Decimal) and quantity.is_finite() and quantity >= 0


def _quantity_in_range(quantity: Number, sample_rate: Number, aggregation: str) -> bool:
    """The quantity as its meter weights it (sum: q / r, count: 1 / r, max: q) is below
    MAX_QUANTITY; a raw quantity at or beyond it is out of range whatever the sample rate.
    Called on a valid quantity; an invalid sample rate only checks the raw quantity."""
    if isinstance(quantity, Decimal) and quantity >= MAX_QUANTITY:
        return False
    if not _sample_rate_ok(sample_rate) or aggregation == "max":
        return True
    rate = ONE if sample_rate is None else sample_rate
    assert isinstance(rate, Decimal)
    if aggregation == "count":
        return MAX_QUANTITY * rate > ONE
    assert isinstance(quantity, Decimal)
    return quantity < MAX_QUANTITY * rate


def _in_time_range(instant: datetime) -> bool:
    return TIME_RANGE[0] <= instant < TIME_RANGE[1]


def _sample_rate_ok(sample_rate: Number) -> bool:
    """A sample rate is valid when missing (= 1) or a finite number in (0, 1]."""
    if sample_rate is None:
        return True
    return isinstance(sample_rate, Decimal) and sample_rate.is_finite() and 0 < sample_rate <= 1


def _schema_reason(record: UsageRecord) -> str | None:
    """`malformed_record` / `unsupported_schema` from the record's shape."""
    if record.shape == "not_object":
        return "malformed_record"
    if record.shape == "no_known_fields":
        return "unsupported_schema"
    if record.shape == "cloudevents" and record.specversion != "1.0":
        return "unsupported_schema"
    if record.shape not in ("flat", "cloudevents"):
        raise ValueError(f"{record.source_file}:{record.line_number}: bad shape {record.shape}")
    return None


def quarantine_reason(record: UsageRecord, meters: Mapping[str, str]) -> str | None:
    """The first quarantine reason (SPEC precedence) that applies, or None when valid."""
    reason = _schema_reason(record)
    if reason is not None:
        return reason
    if trimmed(record.event_id) is None or trimmed(record.producer) is None:
        return "missing_event_id"
    if trimmed(record.tenant_id) is None:
        return "missing_tenant"
    meter = trimmed(record.meter)
    if meter is None or meter not in meters:
        return "unknown_meter"
    if not _quantity_ok(record.quantity, meters[meter]):
        return "invalid_quantity"
    if not _quantity_in_range(record.quantity, record.sample_rate, meters[meter]):
        return "invalid_quantity"
    event_ts, ingested_at = readable_instant(record.event_ts), readable_instant(record.ingested_at)
    if event_ts is None or ingested_at is None:
        return "invalid_timestamp"
    # (the warehouse also bounds ingested_at by the load of its file; generated files are
    # written after every ingested_at they hold, so that bound never applies here)
    if not _in_time_range(event_ts) or not _in_time_range(ingested_at):
        return "timestamp_out_of_range"
    if not _sample_rate_ok(record.sample_rate):
        return "invalid_sample_rate"
    return None


def canonical_event_at(
    event_ts: datetime, ingested_at: datetime, max_clock_skew_minutes: int
) -> tuple[datetime, bool]:
    """`(event_at, is_clock_skew_corrected)`: event_ts unless it leads ingested_at by more
    than the tolerated skew (strict `>`), in which case ingested_at."""
    event_ts, ingested_at = to_utc(event_ts), to_utc(ingested_at)
    if event_ts > ingested_at + timedelta(minutes=max_clock_skew_minutes):
        return ingested_at, True
    return event_ts, False


def month_watermark(event_at: datetime, grace_period_hours: int) -> datetime:
    """First instant of the month after `event_at`'s (UTC) month plus the grace period."""
    event_at = to_utc(event_at)
    year, month = (
        (event_at.year + 1, 1) if event_at.month == 12 else (event_at.year, event_at.month + 1)
    )
    return datetime(year, month, 1, tzinfo=UTC) + timedelta(hours=grace_period_hours)


def is_late(event_at: datetime, ingested_at: datetime, grace_period_hours: int) -> bool:
    """Late: ingested strictly after the watermark of event_at's month."""
    return to_utc(ingested_at) > month_watermark(event_at, grace_period_hours)


def round_9(value: Decimal) -> Decimal:
    """Round half away from zero to 9 decimals."""
    return value.quantize(SCALE, rounding=ROUND_HALF_UP, context=DECIMAL_CONTEXT)


def event_weight(
    aggregation: str, quantity: Decimal | None, sample_rate: Decimal | None
) -> Decimal:
    """What one accepted event contributes: sum -> quantity / r, count -> 1 / r (rounded per
    event to 9 decimals, half away from zero), max -> the raw quantity (r ignored)."""
    rate = ONE if sample_rate is None else sample_rate
    if aggregation == "max":
        return round_9(quantity if quantity is not None else Decimal(0))
    numerator = ONE if aggregation == "count" else quantity
    if numerator is None:
        raise ValueError("a sum meter event needs a quantity")
    return round_9(DECIMAL_CONTEXT.divide(numerator, rate))


def format_quantity(value: Decimal) -> str:
    """A DECIMAL(38, 9) value as plain text with exactly 9 decimals (`12.500000000`)."""
    return format(round_9(value), "f")
