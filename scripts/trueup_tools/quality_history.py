"""What `trueup check` adds to the dbt tests beyond one row at a time: volume against history,
reconciliation between marts and freshness of the sources, as columns the checkpoint's
expectations compare (`quality` builds the expectations; this module computes the figures).

- Volume against history: a tenant x meter's daily record count against the median of its
  previous days, the whole day's accepted records and its duplicate and quarantine rates
  against the trailing days, and no day without usage between the first and the newest
  usage day. (Record counts, not quantities: a meter's daily quantity legitimately spans
  orders of magnitude — the sample data's do — so a quantity bound loose enough to pass real
  data would catch nothing.)
- Reconciliation: fct_usage_daily against the daily rollup it is built from (row by row, and
  no rollup row missing), the variance's billed figures against fct_billed_charges (both
  ways), and the ledger's `outstanding_after` against the running sum of its entries.
- Freshness: the newest `ingested_at` of accepted usage and the newest `export_date` of a
  billed key's export lines against as_of.

Each bound is a `Thresholds` setting (`trueup check --threshold NAME=VALUE`), documented in
`THRESHOLD_HELP`. Figures are exact: counts are ints, rates and bounds `Decimal`s.

A per-day figure is set on the day's first row of fct_usage_daily (in the mart's key order)
and left empty on the others, so a failing day is reported once, under its date.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:
    import pandas as pd

NO_VARIANCE_ROW = "no row in fct_trueup_variance"
UsageKey = tuple[str, str, dt.date]  # tenant_id, meter, usage_date
BilledKey = tuple[dt.date, str, str]  # period_start, tenant_id, meter


@dataclass(frozen=True)
class Thresholds:
    """The bounds of the history, reconciliation and freshness checks (see THRESHOLD_HELP)."""

    history_days: int = 28
    min_history_days: int = 7
    key_volume_factor: Decimal = Decimal(10)
    key_volume_floor: int = 20
    day_volume_factor: Decimal = Decimal(3)
    rate_rise_points: Decimal = Decimal(10)
    min_day_records: int = 20
    max_usage_gap_days: int = 1
    max_ingest_age_hours: int | None = 168
    max_export_age_days: int | None = 35


THRESHOLD_HELP: dict[str, str] = {
    "history_days": "how many previous calendar days make a day's history",
    "min_history_days": "days of history a tenant x meter (or the warehouse) needs before its "
    "volume is checked",
    "key_volume_factor": "a tenant x meter's day may have at most this many times the median "
    "daily records of its history ...",
    "key_volume_floor": "... or this many records, whichever is more",
    "day_volume_factor": "the day's accepted records must be within the median of the trailing "
    "days divided and multiplied by this factor",
    "rate_rise_points": "the day's duplicate and quarantine rates (%% of its records) may "
    "exceed the trailing days' median rate by at most this many points",
    "min_day_records": "a day needs this many records for its rates to be checked",
    "max_usage_gap_days": "at most this many days from one usage day to the next (1: none missing)",
    "max_ingest_age_hours": "the newest accepted usage was ingested at most this many hours "
    "before as_of (a week: a feed that stopped, not a quiet weekend, nor the days between a "
    "period's end and its close watermark; 'off': not checked)",
    "max_export_age_days": "the newest billing export is at most this many days older than "
    "as_of (monthly exports: a bit over a month; 'off': not checked)",
}


def parse_threshold(text: str) -> tuple[str, Any]:
    """`NAME=VALUE` as a Thresholds field and its typed value; ValueError says what is wrong."""
    name, sep, value = text.partition("=")
    name = name.strip().replace("-", "_")
    fields = {f.name: f for f in dataclasses.fields(Thresholds)}
    if not sep or name not in fields:
        raise ValueError(f"expected NAME=VALUE with NAME one of {', '.join(fields)}; got {text!r}")
    value = value.strip()
    default = getattr(Thresholds(), name)
    if value.lower() in ("off", "none"):
        if fields[name].type != "int | None":
            raise ValueError(f"{name} cannot be off")
        return name, None
    kind = "a decimal" if isinstance(default, Decimal) else "a whole number"
    try:
        typed: Any = Decimal(value) if isinstance(default, Decimal) else int(value)
    except (ArithmeticError, ValueError):
        raise ValueError(f"{name} must be {kind}; got {value!r}") from None
    if isinstance(typed, Decimal) and not typed.is_finite():
        raise ValueError(f"{name} must be {kind}; got {value!r}")
    if name.endswith("_factor") and typed <= 0:
        raise ValueError(f"{name} must be more than 0; got {value!r}")
    if typed < 0:
        raise ValueError(f"{name} must be 0 or more; got {value!r}")
    return name, typed


def with_settings(settings: Iterable[tuple[str, Any]]) -> Thresholds:
    """The default thresholds with the given (name, value) settings."""
    return dataclasses.replace(Thresholds(), **dict(settings))


# ---------------------------------------------------------------------------------------------
# The other relations the checks read


@dataclass
class Sources:
    """What the checks compare the marts with, read in the check's connection."""

    rollup: dict[UsageKey, tuple[Decimal, int]]
    last_ingested: dict[UsageKey, dt.datetime]
    last_export: dict[BilledKey, dt.date]
    landed_by_day: dict[dt.date, tuple[int, int]]  # usage_date: (records, quarantined)


ROLLUP_SQL = """
    select tenant_id, meter, usage_date, quantity, event_count
    from intermediate.int_usage_daily_rolled_up
"""
# Staging keeps every landed record whatever its ingested_at; the marts see those received by
# as_of (an unreadable ingested_at is empty and visible at every as_of, then quarantined).
INGESTED_SQL = """
    select tenant_id, meter, usage_date, max(ingested_at)
    from intermediate.int_usage_records_classified
    where quarantine_reason is null and ingested_at <= $as_of
    group by tenant_id, meter, usage_date
"""
LANDED_SQL = """
    select usage_date, count(*), count(quarantine_reason)
    from intermediate.int_usage_records_classified
    where usage_date is not null and (ingested_at is null or ingested_at <= $as_of)
    group by usage_date
"""
EXPORTED_SQL = """
    select period_start, tenant_id, meter, max(export_date)
    from intermediate.int_billing_lines_mapped
    where tenant_id is not null and meter is not null and export_date <= cast($as_of as date)
    group by period_start, tenant_id, meter
"""


def read_sources(
    con: duckdb.DuckDBPyConnection, as_of: dt.datetime, missing: type[Exception]
) -> Sources:
    """The rollup, the newest ingestion per usage day, the records landed and quarantined per
    usage day and the newest export per billed key, as seen at as_of. A relation that is not
    there raises `missing` with what to do."""

    def rows(sql: str) -> list[tuple]:
        try:
            return con.execute(sql, {"as_of": as_of} if "$as_of" in sql else None).fetchall()
        except duckdb.CatalogException as error:
            first = str(error).splitlines()[0]
            raise missing(f"{first}: run a full build first.") from error

    return Sources(
        rollup={(t, m, d): (q, c) for t, m, d, q, c in rows(ROLLUP_SQL)},
        last_ingested={(t, m, d): at for t, m, d, at in rows(INGESTED_SQL)},
        last_export={(p, t, m): day for p, t, m, day in rows(EXPORTED_SQL)},
        landed_by_day={day: (records, bad) for day, records, bad in rows(LANDED_SQL)},
    )


# ---------------------------------------------------------------------------------------------
# Figures


KEY = ("period_start", "tenant_id", "meter")
USAGE_KEY = ("tenant_id", "meter", "usage_date")


def _keys(frame: pd.DataFrame, *columns: str) -> list[tuple]:
    """The frame's rows as tuples of the given columns."""
    return list(zip(*(frame[column] for column in columns), strict=True))


def _objects(frame: pd.DataFrame, values: list) -> pd.Series:
    """A column that keeps its values as they are (ints stay ints beside empty rows, where
    pandas would turn the column into floats)."""
    import pandas as pd

    return pd.Series(values, index=frame.index, dtype=object)


def _median(values: Sequence[int | Decimal]) -> Decimal:
    return Decimal(statistics.median(values))


def _whole(value: Decimal) -> Decimal:
    """A bound shown to 2 decimals (half away from zero)."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _history(
    by_day: dict[dt.date, Any], day: dt.date, first: dt.date, limits: Thresholds
) -> list[Any] | None:
    """The values of the `history_days` calendar days before `day` (a day without a value
    counts 0), from `first` on; None when fewer than `min_history_days` days."""
    days = [day - dt.timedelta(days=n) for n in range(1, limits.history_days + 1)]
    days = [d for d in days if d >= first]
    if len(days) < max(limits.min_history_days, 1):
        return None
    return [by_day.get(d, 0) for d in days]


def _key_volume_limits(frame: pd.DataFrame, last_day: dt.date, limits: Thresholds) -> list:
    """Per row: the most records the tenant x meter's day may have (None: too little
    history, or a day after as_of, which another expectation reports)."""
    counts: dict[tuple[str, str], dict[dt.date, int]] = defaultdict(dict)
    for tenant, meter, day, count in _keys(
        frame, "tenant_id", "meter", "usage_date", "event_count"
    ):
        counts[(tenant, meter)][day] = int(count)
    out = []
    for tenant, meter, day in _keys(frame, *USAGE_KEY):
        by_day = counts[(tenant, meter)]
        history = None if day > last_day else _history(by_day, day, min(by_day), limits)
        if history is None:
            out.append(None)
            continue
        median = _median(history)
        out.append(max(_whole(median * limits.key_volume_factor), Decimal(limits.key_volume_floor)))
    return out


def _pct(part: int, whole: int) -> Decimal | None:
    return None if whole == 0 else _whole(Decimal(part) * 100 / whole)


@dataclass
class _Day:
    """A usage day's accepted records and duplicates (fct_usage_daily), and all its landed
    records and the quarantined ones (the classified records)."""

    records: int = 0
    duplicates: int = 0
    landed: int = 0
    quarantined: int = 0

    def rate(self, kind: str) -> tuple[Decimal | None, int]:
        """The day's duplicate or quarantine rate (%) and the records it is a rate of."""
        if kind == "duplicate":
            total = self.records + self.duplicates
            return _pct(self.duplicates, total), total
        return _pct(self.quarantined, self.landed), self.landed


RATES = ("duplicate", "quarantine")


def _day_figures(
    frame: pd.DataFrame, sources: Sources, last_day: dt.date, limits: Thresholds
) -> dict[str, list]:
    """The per-day columns (set on each day's first row, empty elsewhere)."""
    days: dict[dt.date, _Day] = defaultdict(_Day)
    for day, records, duplicates in _keys(frame, "usage_date", "event_count", "duplicate_count"):
        days[day].records += int(records)
        days[day].duplicates += int(duplicates)
    for day, (landed, quarantined) in sources.landed_by_day.items():
        if day in days:
            days[day].landed, days[day].quarantined = landed, quarantined
    visible = sorted(d for d in days if d <= last_day)
    first = visible[0] if visible else None
    records = {d: days[d].records for d in visible}
    rates = {kind: {d: days[d].rate(kind)[0] for d in visible} for kind in RATES}
    columns: dict[str, list] = defaultdict(list)
    seen: set[dt.date] = set()
    previous: dict[dt.date, dt.date] = dict(zip(visible[1:], visible[:-1], strict=True))
    for day in frame["usage_date"]:
        values = {name: None for name in DAY_COLUMNS}
        if day not in seen and first is not None and day <= last_day:
            values.update(_one_day(day, days[day], records, rates, first, limits))
            if day in previous:
                values["days_since_previous_usage_day"] = (day - previous[day]).days
        seen.add(day)
        for name in DAY_COLUMNS:
            columns[name].append(values[name])
    return columns


DAY_COLUMNS = (
    "day_accepted_records",
    "day_records_low",
    "day_records_high",
    "day_duplicate_pct",
    "day_duplicate_pct_high",
    "day_quarantine_pct",
    "day_quarantine_pct_high",
    "days_since_previous_usage_day",
)


def _one_day(
    day: dt.date,
    figures: _Day,
    records: dict[dt.date, int],
    rates: dict[str, dict[dt.date, Decimal | None]],
    first: dt.date,
    limits: Thresholds,
) -> dict[str, Any]:
    values: dict[str, Any] = {"day_accepted_records": figures.records}
    history = _history(records, day, first, limits)
    if history is not None:
        median = _median(history)
        values["day_records_low"] = _whole(median / limits.day_volume_factor)
        values["day_records_high"] = _whole(median * limits.day_volume_factor)
    for kind in RATES:
        rate, total = figures.rate(kind)
        past = [
            past_rate
            for d, past_rate in rates[kind].items()
            if d < day and (day - d).days <= limits.history_days and past_rate is not None
        ]
        if total >= limits.min_day_records and len(past) >= max(limits.min_history_days, 1):
            values[f"day_{kind}_pct"] = rate
            high = _median(past) + limits.rate_rise_points
            values[f"day_{kind}_pct_high"] = _whole(high)
    return values


def add_usage_columns(
    frame: pd.DataFrame, sources: Sources, last_day: dt.date, limits: Thresholds
) -> None:
    """fct_usage_daily: the rollup's figures, the newest ingestion and the history bounds."""
    keys = _keys(frame, *USAGE_KEY)
    rollup = [sources.rollup.get(key) for key in keys]
    frame["rollup_quantity"] = [None if r is None else r[0] for r in rollup]
    frame["rollup_event_count"] = _objects(frame, [None if r is None else r[1] for r in rollup])
    missing = len(set(sources.rollup) - set(keys))
    first_row = [missing if n == 0 else None for n in range(len(keys))]
    frame["rollup_rows_missing_here"] = _objects(frame, first_row)
    frame["last_ingested_at"] = [sources.last_ingested.get(key) for key in keys]
    frame["event_count_high"] = _key_volume_limits(frame, last_day, limits)
    for name, values in _day_figures(frame, sources, last_day, limits).items():
        frame[name] = _objects(frame, values)


def add_billed_columns(billed: pd.DataFrame, variance: pd.DataFrame, sources: Sources) -> None:
    """fct_billed_charges and fct_trueup_variance: each other's billed figures for the key
    (a variance key without billed charges has billed 0, and so has a billed quantity that is
    empty, as on a commitment true-up line; a billed key of a period the
    variance does not report is left out), and the newest export of each billed key."""
    billed_keys = _keys(billed, *KEY)
    variance_keys = _keys(variance, *KEY)
    by_billed = dict(
        zip(billed_keys, _keys(billed, "billed_amount", "billed_quantity"), strict=True)
    )
    by_variance = dict(zip(variance_keys, variance["billed_amount"], strict=True))
    zero = (Decimal(0), Decimal(0))
    variance["billed_charges_amount"] = [by_billed.get(k, zero)[0] for k in variance_keys]
    variance["billed_charges_quantity"] = [
        by_billed.get(k, zero)[1] or Decimal(0) for k in variance_keys
    ]
    reported = set(variance["period_start"])
    billed["variance_billed_amount"] = [
        by_variance.get(key, NO_VARIANCE_ROW) if key[0] in reported else None for key in billed_keys
    ]
    billed["last_export_date"] = [sources.last_export.get(key) for key in billed_keys]


def add_ledger_columns(ledger: pd.DataFrame) -> None:
    """fct_adjustment_ledger: each key's running sum of its entries in entry_id order."""
    running: dict[BilledKey, Decimal] = defaultdict(Decimal)
    out = []
    keys = _keys(ledger, *KEY)
    with localcontext() as context:
        context.prec = 100  # DECIMAL(38, 9) sums without rounding
        for key, amount in zip(keys, ledger["amount"], strict=True):
            running[key] += amount
            out.append(running[key])
    ledger["entries_balance"] = out
