"""An independent Python implementation of SPEC §3 Pricing, in exact rational arithmetic.

Two layers:

- `price(Line)`: one segment line of one rate card (per_unit, graduated, volume, package;
  flat-fee proration, discount, rounding half away from zero) — what the SQL pricing macros
  are property-tested against;
- `expected_charge_lines(daily_rows, as_of)`: the shipped contract seeds applied to daily
  usage (the ground truth `usage_daily.csv`): segments per contract version, a line for every
  rate-card meter of every version in force (quantity 0 without usage), minimum-commitment
  true-ups — what `finance.fct_expected_charges` must hold. `unpriced_usage` classifies the
  usage no contract prices (`no_contract` / `unpriced_meter`).

Money and quantities are `Decimal` / `Fraction` only, never floating point.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Protocol

from trueup_tools import PROJECT_DIR

DEFAULT_SEEDS_DIR = PROJECT_DIR / "seeds"
COMMITMENT_METER = "commitment_true_up"

# --------------------------------------------------------------------------- one line


@dataclass(frozen=True)
class Tier:
    """One rate-card row."""

    up_to: Decimal | None
    unit_price: Decimal
    flat_fee: Decimal = Decimal(0)


@dataclass(frozen=True)
class Line:
    """A segment's charge line: the rate card of one meter and the segment's quantity."""

    pricing_model: str
    tiers: tuple[Tier, ...]
    quantity: Decimal
    segment_days: int
    period_days: int
    discount_pct: Decimal = Decimal(0)
    package_size: Decimal | None = None
    free_quantity: Decimal = Decimal(0)


def _lower_bounds(tiers: tuple[Tier, ...]) -> list[Fraction]:
    bounds = [Fraction(0)]
    for tier in tiers[:-1]:
        assert tier.up_to is not None
        bounds.append(Fraction(tier.up_to))
    return bounds


def usage_and_fees(line: Line) -> tuple[Fraction, Fraction]:
    """What the rate card charges for the quantity, and the full-month flat fees that apply."""
    q = Fraction(line.quantity)
    tiers = line.tiers
    if line.pricing_model == "per_unit":
        return q * Fraction(tiers[0].unit_price), Fraction(tiers[0].flat_fee)
    if line.pricing_model == "package":
        assert line.package_size is not None
        billable = max(Fraction(0), q - Fraction(line.free_quantity))
        packages = math.ceil(billable / Fraction(line.package_size))
        return packages * Fraction(tiers[0].unit_price), Fraction(tiers[0].flat_fee)
    lows = _lower_bounds(tiers)
    if line.pricing_model == "graduated":
        usage, fees = Fraction(0), Fraction(0)
        for index, (tier, low) in enumerate(zip(tiers, lows, strict=True)):
            top = q if tier.up_to is None else min(q, Fraction(tier.up_to))
            usage += max(Fraction(0), top - low) * Fraction(tier.unit_price)
            if index == 0 or q > low:
                fees += Fraction(tier.flat_fee)
        return usage, fees
    if line.pricing_model == "volume":
        for index, (tier, low) in enumerate(zip(tiers, lows, strict=True)):
            inside = q > low and (tier.up_to is None or q <= Fraction(tier.up_to))
            if inside or (q == 0 and index == 0):
                return q * Fraction(tier.unit_price), Fraction(tier.flat_fee)
        raise AssertionError("a well-formed volume rate card covers every quantity")
    raise ValueError(line.pricing_model)


def round_half_away(value: Fraction, places: int) -> Decimal:
    """value rounded half away from zero to `places` decimals."""
    scaled = value * 10**places
    whole = math.floor(abs(scaled) + Fraction(1, 2))
    return (Decimal(whole if scaled >= 0 else -whole) / Decimal(10) ** places).quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP
    )


def price(line: Line) -> tuple[Fraction, Decimal]:
    """(exact amount before discount, expected amount rounded once to cents)."""
    usage, fees = usage_and_fees(line)
    amount = usage + fees * line.segment_days / line.period_days
    discounted = amount * (100 - Fraction(line.discount_pct)) / 100
    return amount, round_half_away(discounted, 2)


# --------------------------------------------------------------------------- seeds


@dataclass(frozen=True)
class Version:
    """One contract version (a row of `contracts.csv`)."""

    contract_id: str
    tenant_id: str
    version: int
    start: date
    end: date | None
    currency: str
    discount: Decimal
    commitment: Decimal | None

    def in_force_on(self, day: date) -> bool:
        """Whether the version is in force on the day (`effective_to` exclusive)."""
        return self.start <= day and (self.end is None or day < self.end)

    def overlaps(self, start: date, end: date) -> bool:
        """Whether the version is in force on any day of [start, end)."""
        return self.start < end and (self.end is None or self.end > start)


def _optional(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None and text.strip() else None


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_versions(seeds_dir: Path = DEFAULT_SEEDS_DIR) -> list[Version]:
    """Every contract version of `contracts.csv`, in file order."""
    return [
        Version(
            row["contract_id"],
            row["tenant_id"],
            int(row["contract_version"]),
            date.fromisoformat(row["effective_from"]),
            date.fromisoformat(row["effective_to"]) if row["effective_to"] else None,
            row["currency"].upper(),
            _optional(row["discount_pct"]) or Decimal(0),
            _optional(row["minimum_commitment"]),
        )
        for row in _rows(Path(seeds_dir) / "contracts.csv")
    ]


RateCards = dict[tuple[str, int], dict[str, list[dict[str, str]]]]


def load_rate_cards(seeds_dir: Path = DEFAULT_SEEDS_DIR) -> RateCards:
    """(contract_id, version) -> meter -> its rate-card rows."""
    cards: RateCards = defaultdict(lambda: defaultdict(list))
    for row in _rows(Path(seeds_dir) / "contract_rates.csv"):
        cards[(row["contract_id"], int(row["contract_version"]))][row["meter"]].append(row)
    return cards


def load_aggregations(seeds_dir: Path = DEFAULT_SEEDS_DIR) -> dict[str, str]:
    """meter -> aggregation (`sum` | `count` | `max`) from `meters.csv`."""
    return {row["meter"]: row["aggregation"] for row in _rows(Path(seeds_dir) / "meters.csv")}


# --------------------------------------------------------------------------- daily usage


class DailyUsage(Protocol):
    """What pricing needs of a daily usage row (e.g. `truth.DailyRow`)."""

    @property
    def tenant_id(self) -> str: ...

    @property
    def meter(self) -> str: ...

    @property
    def usage_date(self) -> date: ...

    @property
    def quantity(self) -> Decimal: ...


@dataclass(frozen=True)
class UsageDay:
    """One tenant x meter x day of usage."""

    tenant_id: str
    meter: str
    usage_date: date
    quantity: Decimal


def load_usage_daily(path: Path) -> list[UsageDay]:
    """The rows of a ground-truth `usage_daily.csv`."""
    return [
        UsageDay(
            row["tenant_id"],
            row["meter"],
            date.fromisoformat(row["usage_date"]),
            Decimal(row["quantity"]),
        )
        for row in _rows(Path(path))
    ]


def month_start(day: date) -> date:
    """The first day of the day's month."""
    return day.replace(day=1)


def next_month(day: date) -> date:
    """The first day of the month after the day's month."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def months(first: date, last: date) -> list[date]:
    """Month starts from first's month through last's month."""
    out = []
    period = month_start(first)
    while period <= last:
        out.append(period)
        period = next_month(period)
    return out


def as_of_date(as_of: str | date | datetime) -> date:
    """The UTC date of an as_of (text without offset = UTC, like the dbt var)."""
    if isinstance(as_of, str):
        as_of = datetime.fromisoformat(as_of.strip())
    if isinstance(as_of, datetime):
        if as_of.tzinfo is not None:
            as_of = as_of.astimezone(UTC)
        return as_of.date()
    return as_of


def _by_key(daily_rows: Iterable[DailyUsage]) -> dict[tuple[str, str], list[tuple[date, Decimal]]]:
    daily: dict[tuple[str, str], list[tuple[date, Decimal]]] = defaultdict(list)
    for row in daily_rows:
        daily[(row.tenant_id, row.meter)].append((row.usage_date, row.quantity))
    return daily


def aggregate(values: list[Decimal], aggregation: str) -> Decimal:
    """A segment's or period's quantity: peak day for `max` meters, else the sum; 0 if none."""
    if aggregation == "max":
        return max(values) if values else Decimal(0)
    return sum(values, Decimal(0))


# --------------------------------------------------------------------------- expected lines


@dataclass(frozen=True)
class ExpectedLine:
    """One row of `finance.fct_expected_charges`, as far as the truth needs it."""

    period_start: date
    tenant_id: str
    meter: str
    contract_id: str
    contract_version: int
    segment_start: date
    segment_end: date
    currency: str
    quantity: Decimal
    amount_before_discount: Decimal
    expected_amount: Decimal

    @property
    def key(self) -> tuple[date, str, str, str, int]:
        return (
            self.period_start,
            self.tenant_id,
            self.meter,
            self.contract_id,
            self.contract_version,
        )


def _line(rows: list[dict[str, str]], quantity: Decimal, days: int, period_days: int, v: Version):
    rows = sorted(rows, key=lambda r: int(r["tier"]))
    return Line(
        pricing_model=rows[0]["pricing_model"],
        tiers=tuple(
            Tier(
                _optional(r["up_to"]),
                Decimal(r["unit_price"]),
                _optional(r["flat_fee"]) or Decimal(0),
            )
            for r in rows
        ),
        quantity=quantity,
        segment_days=days,
        period_days=period_days,
        discount_pct=v.discount,
        package_size=_optional(rows[0]["package_size"]),
        free_quantity=_optional(rows[0]["free_quantity"]) or Decimal(0),
    )


@dataclass
class _Commitment:
    """A contract's minimum commitment over one period, prorated by its versions' days."""

    amount: Fraction = Fraction(0)
    has_commitment: bool = False
    version: int = 0
    tenant_id: str = ""
    currency: str = ""


def _segment_lines(
    period: date,
    v: Version,
    window: tuple[date, date],
    daily: Mapping[tuple[str, str], list[tuple[date, Decimal]]],
    aggregations: Mapping[str, str],
    cards: RateCards,
) -> list[ExpectedLine]:
    """One expected line per meter of a contract version's rate card over its part
    (`window`) of the period."""
    start, end = window
    days = (end - start).days
    period_days = (next_month(period) - period).days
    lines = []
    for meter, rows in cards[(v.contract_id, v.version)].items():
        values = [q for d, q in daily[(v.tenant_id, meter)] if start <= d < end]
        quantity = aggregate(values, aggregations[meter])
        exact, amount = price(_line(rows, quantity, days, period_days, v))
        lines.append(
            ExpectedLine(
                period,
                v.tenant_id,
                meter,
                v.contract_id,
                v.version,
                start,
                end,
                v.currency,
                quantity,
                round_half_away(exact, 18),
                amount,
            )
        )
    return lines


def _true_up_line(
    period: date, contract_id: str, commitment: _Commitment, total: Decimal
) -> ExpectedLine | None:
    """The commitment true-up of a contract whose charges fall short of its commitment."""
    shortfall = commitment.amount - Fraction(total)
    if not commitment.has_commitment or round_half_away(shortfall, 2) <= 0:
        return None
    return ExpectedLine(
        period,
        commitment.tenant_id,
        COMMITMENT_METER,
        contract_id,
        commitment.version,
        period,
        next_month(period),
        commitment.currency,
        Decimal(0),
        round_half_away(shortfall, 18),
        round_half_away(shortfall, 2),
    )


def _price_period(
    period: date,
    daily: Mapping[tuple[str, str], list[tuple[date, Decimal]]],
    aggregations: Mapping[str, str],
    cards: RateCards,
    versions: list[Version],
) -> list[ExpectedLine]:
    """Every expected line of one period: the versions' segments, then the true-ups."""
    period_end = next_month(period)
    period_days = (period_end - period).days
    lines: list[ExpectedLine] = []
    commitments: dict[str, _Commitment] = defaultdict(_Commitment)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for v in versions:
        if not v.overlaps(period, period_end):
            continue
        start, end = max(period, v.start), min(period_end, v.end or period_end)
        segment = _segment_lines(period, v, (start, end), daily, aggregations, cards)
        lines.extend(segment)
        for line in segment:
            totals[v.contract_id] += line.expected_amount
        entry = commitments[v.contract_id]
        if v.commitment is not None:
            entry.amount += Fraction(v.commitment) * (end - start).days / period_days
            entry.has_commitment = True
        entry.version = max(entry.version, v.version)
        entry.tenant_id = v.tenant_id
        entry.currency = v.currency
    for contract_id, commitment in sorted(commitments.items()):
        true_up = _true_up_line(period, contract_id, commitment, totals[contract_id])
        if true_up is not None:
            lines.append(true_up)
    return lines


def price_periods(
    daily_rows: Iterable[DailyUsage],
    periods: Iterable[date],
    seeds_dir: Path = DEFAULT_SEEDS_DIR,
    aggregations: Mapping[str, str] | None = None,
) -> list[ExpectedLine]:
    """Every expected line of the given periods (month starts), commitment true-ups included."""
    daily = _by_key(daily_rows)
    aggregations = load_aggregations(seeds_dir) if aggregations is None else aggregations
    cards = load_rate_cards(seeds_dir)
    versions = load_versions(seeds_dir)
    lines: list[ExpectedLine] = []
    for period in periods:
        lines.extend(_price_period(period, daily, aggregations, cards, versions))
    return lines


def reported_periods(
    daily_rows: Iterable[DailyUsage], as_of: str | date | datetime, first: date | None = None
) -> list[date]:
    """Month starts from the first month with usage (or `first`, if earlier) through the
    month of as_of."""
    days = [row.usage_date for row in daily_rows]
    starts = [d for d in (min(days) if days else None, first) if d is not None]
    if not starts:
        return []
    return months(min(starts), as_of_date(as_of))


ChargeKey = tuple[date, str, str, str, int]


def expected_charge_lines(
    daily_rows: Iterable[DailyUsage],
    as_of: str | date | datetime,
    seeds_dir: Path = DEFAULT_SEEDS_DIR,
    first_period: date | None = None,
) -> dict[ChargeKey, tuple[Decimal, Decimal, Decimal]]:
    """(period_start, tenant_id, meter, contract_id, contract_version) -> (quantity,
    amount_before_discount, expected_amount), for every reported period: from the first month
    with usage (or `first_period`, if earlier) through the month of as_of."""
    rows = list(daily_rows)
    periods = reported_periods(rows, as_of, first_period)
    return {
        line.key: (line.quantity, line.amount_before_discount, line.expected_amount)
        for line in price_periods(rows, periods, seeds_dir)
    }


# --------------------------------------------------------------------------- unpriced usage


def unpriced_usage(
    daily_rows: Iterable[DailyUsage], seeds_dir: Path = DEFAULT_SEEDS_DIR
) -> dict[tuple[date, str, str], set[str]]:
    """(period_start, tenant_id, meter) -> the unpriced statuses of its usage days:
    `no_contract` (no version of the tenant in force that day) and / or `unpriced_meter` (the
    meter is missing from the rate card of the version in force). Every usage day counts,
    whatever its quantity."""
    versions = load_versions(seeds_dir)
    cards = load_rate_cards(seeds_dir)
    out: dict[tuple[date, str, str], set[str]] = defaultdict(set)
    for row in daily_rows:
        in_force = [
            v for v in versions if v.tenant_id == row.tenant_id and v.in_force_on(row.usage_date)
        ]
        key = (month_start(row.usage_date), row.tenant_id, row.meter)
        if not in_force:
            out[key].add("no_contract")
        elif not any(row.meter in cards[(v.contract_id, v.version)] for v in in_force):
            out[key].add("unpriced_meter")
    return dict(out)
