"""Provider billing exports (SPEC section 1.2) derived from the usage ground truth, with
injected billing faults, and their independent ground truth (SPEC section 3, Variance and
status).

`build_billing` prices the truth daily usage with `trueup_tools.pricing`, bills every
period x tenant x meter key through the tenant's export system (FinOps FOCUS CSV / Parquet,
or the company's invoice lines CSV) and injects the faults listed in `FAULT_KINDS`. Every
line is kept as a logical `BillingLine` (values as meant, before the CSV messiness);
`compute_billing_truth` derives the variance, unmapped lines and per-file tie-out from those
logical lines, the seeds and the usage truth only, and `check_billing` proves that every
injected fault came out as intended. Only `random.Random(seed + 1)` drives the choices.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import ROUND_DOWN, Decimal, localcontext
from pathlib import Path
from random import Random
from typing import Any

import duckdb

from trueup_tools.pricing import (
    COMMITMENT_METER,
    DEFAULT_SEEDS_DIR,
    DailyUsage,
    ExpectedLine,
    Version,
    aggregate,
    as_of_date,
    load_aggregations,
    load_rate_cards,
    load_versions,
    month_start,
    months,
    next_month,
    price_periods,
    reported_periods,
    unpriced_usage,
)
from trueup_tools.truth import Invalid

SOURCE_SYSTEMS: tuple[str, ...] = ("focus", "invoice_lines")
FOCUS_CATEGORIES: tuple[str, ...] = ("usage", "purchase", "tax", "credit", "adjustment")
INVOICE_LINE_TYPES: tuple[str, ...] = ("usage", "correction", "tax", "credit")
STATUSES: tuple[str, ...] = (
    "no_contract",
    "unpriced_meter",
    "currency_mismatch",
    "missing_billing",
    "missing_usage",
    "matched",
    "auto_adjust",
    "needs_review",
)
"""Variance statuses in precedence order (the first that applies wins)."""
UNMAPPED_REASONS: tuple[str, ...] = (
    "unreadable_date",
    "unreadable_amount",
    "unknown_account",
    "no_account_mapping_on_date",
    "unknown_sku",
)
"""Why a line is unmapped, in the order they are checked."""

FAULT_KINDS: tuple[str, ...] = (
    "over_billed",
    "under_billed",
    "within_tolerance",
    "just_beyond_tolerance",
    "auto_adjust",
    "missing_billing",
    "currency_mismatch",
    "late_correction",
    "missing_usage",
    "no_contract",
    "unpriced_meter",
    "unknown_account",
    "unknown_sku",
    "no_account_mapping_on_date",
    "unreadable_amount",
    "unreadable_date",
    "nonstandard_charge_category",
)
"""Every fault the default data set holds at least once."""

NULL_TOKENS: tuple[str, ...] = ("", "", "", "NULL", "None", "NA", "N/A", "null", "n/a", "none")
"""How an export writes a null in an optional field."""
PAYER_ACCOUNT = "ba-7000"
PROVIDER_NAME = "Nimbus Cloud, Inc."
UNKNOWN_ACCOUNT = "acct-9999"
UNKNOWN_SKU = "SKU-GPU-HR"
NONSTANDARD_CATEGORY = "Rounding"
TAX_RATE = Decimal("0.0725")
INVOICE_TAX_RATE = Decimal("0.08")
UNBILLED_PRICES = {"storage_gb": Decimal("0.021"), "api_requests": Decimal("0.004")}
"""Prices the provider applies to usage no contract prices (for billed-only keys)."""
DEFAULT_UNBILLED_PRICE = Decimal("0.05")
MICRO = Decimal("0.000000000001")
CENT = Decimal("0.01")

FOCUS_COLUMNS: tuple[str, ...] = (
    "BillingAccountId",
    "BillingAccountName",
    "SubAccountId",
    "ProviderName",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "BillingPeriodStart",
    "BillingPeriodEnd",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "SkuId",
    "ConsumedQuantity",
    "ConsumedUnit",
    "ListCost",
    "BilledCost",
    "EffectiveCost",
    "BillingCurrency",
    "InvoiceId",
    "x_VendorDiscountCode",
    "x_ServiceCode",
)
FOCUS_DROPS: tuple[tuple[str, ...], ...] = (
    (),
    ("InvoiceId",),
    ("ChargeClass", "x_ServiceCode"),
    ("EffectiveCost", "BillingPeriodEnd"),
    ("ChargeDescription", "ListCost", "BillingAccountName"),
)
"""Optional columns left out of the n-th FOCUS CSV file (cycled)."""
INVOICE_COLUMNS: tuple[str, ...] = (
    "invoice_id",
    "line_id",
    "customer_id",
    "price_id",
    "description",
    "period_start",
    "period_end",
    "quantity",
    "amount",
    "currency",
    "line_type",
)
PARQUET_TYPES = {
    "ChargePeriodStart": "timestamptz",
    "ChargePeriodEnd": "timestamptz",
    "BillingPeriodStart": "timestamptz",
    "BillingPeriodEnd": "timestamptz",
    "ConsumedQuantity": "decimal(38, 15)",
    "ListCost": "decimal(38, 15)",
    "BilledCost": "decimal(38, 15)",
    "EffectiveCost": "decimal(38, 15)",
}


# --------------------------------------------------------------------------- seeds


@dataclass(frozen=True)
class AccountMapping:
    """A row of `account_map.csv`."""

    source_system: str
    account_id: str
    tenant_id: str
    valid_from: date
    valid_to: date | None

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


@dataclass(frozen=True)
class SkuMapping:
    """A row of `meter_map.csv`."""

    source_system: str
    sku_id: str
    meter: str
    factor: Decimal


@dataclass(frozen=True)
class Tolerance:
    """A row of `reconciliation_tolerances.csv`."""

    abs_tolerance: Decimal
    pct_tolerance: Decimal
    auto_adjust_limit: Decimal

    def of(self, expected: Decimal) -> Decimal:
        """max(abs_tolerance, pct_tolerance / 100 x |expected|), exact."""
        with localcontext() as ctx:
            ctx.prec = 80
            return max(self.abs_tolerance, self.pct_tolerance * abs(expected) / 100)


@dataclass
class BillingSeeds:
    """The reference data the billing side needs."""

    accounts: list[AccountMapping]
    skus: list[SkuMapping]
    tolerances: dict[str, Tolerance]
    versions: list[Version]
    rate_card_meters: dict[tuple[str, int], set[str]]
    units: dict[str, str]

    def known_account(self, system: str, account: str) -> bool:
        return any(a.source_system == system and a.account_id == account for a in self.accounts)

    def tenant_of(self, system: str, account: str, day: date) -> str | None:
        """The tenant the account maps to on the day, or None."""
        for a in self.accounts:
            if a.source_system == system and a.account_id == account and a.valid_on(day):
                return a.tenant_id
        return None

    def account_of(self, tenant: str, day: date) -> AccountMapping | None:
        """The tenant's account valid on the day (first in seed order), or None."""
        for a in self.accounts:
            if a.tenant_id == tenant and a.valid_on(day):
                return a
        return None

    def system_of(self, tenant: str) -> str | None:
        """The export system that bills the tenant (its first account's)."""
        for a in self.accounts:
            if a.tenant_id == tenant:
                return a.source_system
        return None

    def sku(self, system: str, sku: str | None) -> SkuMapping | None:
        for s in self.skus:
            if s.source_system == system and s.sku_id == sku:
                return s
        return None

    def sku_for(self, system: str, meter: str) -> SkuMapping | None:
        for s in self.skus:
            if s.source_system == system and s.meter == meter:
                return s
        return None

    def tolerance(self, meter: str) -> Tolerance:
        return self.tolerances.get(meter) or self.tolerances["*"]

    def versions_in(self, tenant: str, period: date) -> list[Version]:
        """The tenant's contract versions in force on any day of the period."""
        end = next_month(period)
        return [v for v in self.versions if v.tenant_id == tenant and v.overlaps(period, end)]


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _date_or_none(text: str) -> date | None:
    return date.fromisoformat(text.strip()) if text and text.strip() else None


def load_billing_seeds(seeds_dir: Path = DEFAULT_SEEDS_DIR) -> BillingSeeds:
    """Account map, meter map, tolerances, contracts and rate-card meters from the seeds."""
    seeds_dir = Path(seeds_dir)
    accounts = [
        AccountMapping(
            r["source_system"].strip(),
            r["provider_account_id"].strip(),
            r["tenant_id"].strip(),
            date.fromisoformat(r["valid_from"].strip()),
            _date_or_none(r["valid_to"]),
        )
        for r in _csv_rows(seeds_dir / "account_map.csv")
    ]
    skus = [
        SkuMapping(
            r["source_system"].strip(),
            r["provider_sku_id"].strip(),
            r["meter"].strip(),
            Decimal(r["quantity_factor"]),
        )
        for r in _csv_rows(seeds_dir / "meter_map.csv")
    ]
    tolerances = {
        r["meter"].strip(): Tolerance(
            Decimal(r["abs_tolerance"]),
            Decimal(r["pct_tolerance"]),
            Decimal(r["auto_adjust_limit"]),
        )
        for r in _csv_rows(seeds_dir / "reconciliation_tolerances.csv")
    }
    if "*" not in tolerances:
        raise ValueError("reconciliation_tolerances.csv needs a '*' row")
    cards = load_rate_cards(seeds_dir)
    units = {r["meter"]: r["unit"] for r in _csv_rows(seeds_dir / "meters.csv")}
    return BillingSeeds(
        accounts=accounts,
        skus=skus,
        tolerances=tolerances,
        versions=load_versions(seeds_dir),
        rate_card_meters={key: set(meters) for key, meters in cards.items()},
        units=units,
    )


# --------------------------------------------------------------------------- logical lines


@dataclass(eq=False)
class BillingLine:
    """One line of an export, as meant (before the text forms of the CSV are chosen).

    `account_id` is the provider account (FOCUS: SubAccountId, or BillingAccountId when the
    line has no sub-account); `category` is the FOCUS ChargeCategory or the invoice
    line_type as written (any case); `amount` / `charge_start` hold an `Invalid` when written
    unreadable; `quantity` is in provider units (None: null).
    """

    source_system: str
    account_id: str
    sku_id: str | None
    category: str
    charge_start: datetime | Invalid
    charge_end: datetime
    quantity: Decimal | None
    amount: Decimal | Invalid
    currency: str
    billing_period_start: date
    is_correction: bool = False
    invoice_id: str | None = None
    description: str = ""
    unit: str | None = None
    has_sub_account: bool = True
    source_file: str = ""
    line_number: int = 0

    @property
    def is_usage(self) -> bool:
        """Reconciled against meters: FOCUS `Usage`; invoice `usage` or `correction`."""
        kind = self.category.strip().lower()
        if self.source_system == "focus":
            return kind == "usage"
        return kind in ("usage", "correction")


@dataclass(eq=False)
class ExportFile:
    """One billing export file."""

    source_system: str
    export_date: date
    name: str
    fmt: str = "csv"
    lines: list[BillingLine] = field(default_factory=list)
    drop_columns: tuple[str, ...] = ()
    crlf: bool = False

    @property
    def relative_path(self) -> str:
        """Path relative to the landing root."""
        return (
            f"billing/{self.source_system}/export_date={self.export_date.isoformat()}/"
            f"{self.name}.{self.fmt}"
        )


@dataclass
class Fault:
    """One injected fault: what it touches and what the marts must say about it."""

    kind: str
    source_system: str
    expected_status: str | None = None
    reason: str | None = None
    period_start: date | None = None
    tenant_id: str | None = None
    meter: str | None = None
    delta: Decimal | None = None
    billed_amount: Decimal | None = None
    lines: list[BillingLine] = field(default_factory=list)
    note: str = ""

    @property
    def key(self) -> tuple[date, str, str] | None:
        if self.period_start is None or self.tenant_id is None or self.meter is None:
            return None
        return (self.period_start, self.tenant_id, self.meter)

    def to_json(self) -> dict[str, Any]:
        return {
            "fault": self.kind,
            "source_system": self.source_system,
            "expected_status": self.expected_status,
            "reason": self.reason,
            "period_start": self.period_start.isoformat() if self.period_start else None,
            "tenant_id": self.tenant_id,
            "meter": self.meter,
            "delta": _plain(self.delta),
            "billed_amount": _plain(self.billed_amount),
            "lines": [
                {"source_file": line.source_file, "line_number": line.line_number}
                for line in self.lines
            ],
            "note": self.note,
        }


@dataclass
class BillingData:
    """Everything `build_billing` generates (nothing written yet)."""

    files: list[ExportFile]
    faults: list[Fault]
    billed_periods: list[date]
    skipped: list[str] = field(default_factory=list)
    unbilled: list[tuple[date, str, str]] = field(default_factory=list)

    @property
    def min_as_of(self) -> datetime | None:
        """The earliest as_of at which every export is visible (00:00 UTC of the last
        export_date)."""
        if not self.files:
            return None
        last = max(f.export_date for f in self.files)
        return datetime.combine(last, time(0), tzinfo=UTC)

    def lines(self) -> list[BillingLine]:
        return [line for f in self.files for line in f.lines]


# --------------------------------------------------------------------------- helpers


def _plain(value: Decimal | None) -> str | None:
    """Plain decimal text (no exponent), or None."""
    if value is None:
        return None
    text = format(value, "f")
    return text


def _at_scale(value: Decimal, places: int) -> str:
    """Decimal text with `places` decimals, or more when the value has more (never rounded)."""
    quantized = value.quantize(Decimal(1).scaleb(-places))
    return format(quantized if quantized == value else value, "f")


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _export_date(period: date, months_after: int, day: int) -> date:
    target = period
    for _ in range(months_after):
        target = next_month(target)
    return target.replace(day=day)


def _split(total: Decimal, parts: int, rng: Random, low: int, high: int) -> list[Decimal]:
    """`parts` decimals with `low`..`high` decimals each that sum exactly to total."""
    if parts <= 1 or total == 0:
        return [total]
    with localcontext() as ctx:
        ctx.prec = 80
        out = []
        for _ in range(parts - 1):
            places = rng.randint(low, high)
            unit = Decimal(1).scaleb(-places)
            share = Decimal(rng.randint(100_000, 900_000)) / Decimal(1_000_000) / (parts - 1)
            out.append((total * share).quantize(unit, rounding=ROUND_DOWN))
        out.append(total - sum(out, Decimal(0)))
    return out


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days)]


# --------------------------------------------------------------------------- planning


@dataclass(eq=False)
class _KeyPlan:
    """What one period x tenant x meter key is billed."""

    period: date
    tenant_id: str
    meter: str
    system: str
    expected: Decimal
    metered: Decimal
    currency: str
    windows: list[tuple[date, date, AccountMapping]]
    unpriced: frozenset[str]
    has_expected: bool = False
    amount: Decimal = Decimal(0)
    skip: bool = False
    odd_currency: str | None = None
    correction: Decimal | None = None
    used: bool = False
    faults: list[Fault] = field(default_factory=list)

    @property
    def key(self) -> tuple[date, str, str]:
        return (self.period, self.tenant_id, self.meter)


@dataclass
class _Builder:
    """Shared state of one billing generation."""

    rng: Random
    seeds: BillingSeeds
    export_day: int
    periods: list[date]
    daily: list[DailyUsage]
    aggregations: Mapping[str, str]
    expected: list[ExpectedLine]
    seeds_dir: Path = DEFAULT_SEEDS_DIR
    unbilled: list[tuple[date, str, str]] = field(default_factory=list)
    plans: dict[tuple[date, str, str], _KeyPlan] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    files: dict[tuple[str, date, str], ExportFile] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    def file(self, system: str, export_date: date, name: str, fmt: str = "csv") -> ExportFile:
        key = (system, export_date, name)
        if key not in self.files:
            self.files[key] = ExportFile(system, export_date, name, fmt)
        return self.files[key]


def _metered(
    daily: Iterable[DailyUsage], aggregations: Mapping[str, str]
) -> dict[tuple[date, str, str], Decimal]:
    """All metered usage per period x tenant x meter (sum, or the peak day for max meters)."""
    values: dict[tuple[date, str, str], list[Decimal]] = defaultdict(list)
    for row in daily:
        values[(month_start(row.usage_date), row.tenant_id, row.meter)].append(row.quantity)
    return {key: aggregate(items, aggregations.get(key[2], "sum")) for key, items in values.items()}


def _account_windows(
    seeds: BillingSeeds, tenant: str, windows: Iterable[tuple[date, date]]
) -> list[tuple[date, date, AccountMapping]]:
    """The windows cut by the tenant's account valid on each day (days without one dropped)."""
    out: list[tuple[date, date, AccountMapping]] = []
    for start, end in windows:
        current: AccountMapping | None = None
        first = start
        for day in [*_days(start, end), end]:
            account = seeds.account_of(tenant, day) if day < end else None
            if account is not current:
                if current is not None:
                    out.append((first, day, current))
                current, first = account, day
    return out


def _plans(b: _Builder) -> None:
    """A plan per key of the billed periods: expected keys and unpriced usage keys."""
    metered = _metered(b.daily, b.aggregations)
    unpriced = unpriced_usage(b.daily, b.seeds_dir)
    expected: dict[tuple[date, str, str], list[ExpectedLine]] = defaultdict(list)
    for line in b.expected:
        expected[(line.period_start, line.tenant_id, line.meter)].append(line)
    keys = set(expected) | {k for k in unpriced if k[0] in b.periods}
    for key in sorted(keys):
        period, tenant, meter = key
        system = b.seeds.system_of(tenant)
        lines = expected.get(key, [])
        if system is None:
            if any(line.expected_amount for line in lines):
                b.unbilled.append(key)
            continue
        windows = sorted({(line.segment_start, line.segment_end) for line in lines}) or [
            (period, next_month(period))
        ]
        versions = b.seeds.versions_in(tenant, period)
        currency = lines[-1].currency if lines else (versions[-1].currency if versions else "USD")
        plan = _KeyPlan(
            period=period,
            tenant_id=tenant,
            meter=meter,
            system=system,
            expected=sum((line.expected_amount for line in lines), Decimal(0)),
            metered=metered.get(key, Decimal(0)),
            currency=currency,
            windows=_account_windows(b.seeds, tenant, windows),
            unpriced=frozenset(unpriced.get(key, set())),
            has_expected=bool(lines),
        )
        plan.amount = plan.expected
        b.plans[key] = plan


def _clean_candidates(b: _Builder, system: str | None = None) -> list[_KeyPlan]:
    """Keys that would be `matched` as billed: priced, expected > 0, billable, unused."""
    return [
        p
        for _k, p in sorted(b.plans.items())
        if not p.used
        and not p.unpriced
        and p.expected > 0
        and p.meter != COMMITMENT_METER
        and p.windows
        and (system is None or p.system == system)
    ]


def _pick(b: _Builder, kind: str, systems: Sequence[str | None], predicate: Any) -> _KeyPlan | None:
    """A random clean key of the first system that has one satisfying the predicate."""
    for system in systems:
        candidates = [p for p in _clean_candidates(b, system) if predicate(p)]
        if candidates:
            plan = b.rng.choice(candidates)
            plan.used = True
            return plan
    b.skipped.append(kind)
    return None


def _cents(rng: Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low, high)) / 100


def _add_fault(b: _Builder, plan: _KeyPlan | None, fault: Fault) -> Fault:
    if plan is not None:
        fault.period_start, fault.tenant_id, fault.meter = plan.key
        fault.source_system = plan.system
        plan.faults.append(fault)
    b.faults.append(fault)
    return fault


def _variance_faults(b: _Builder) -> None:
    """Billed = expected +- delta: beyond the limit (both ways), exactly at the tolerance,
    just beyond it, and between tolerance and auto_adjust_limit."""
    rng = b.rng

    def review_delta(p: _KeyPlan) -> Decimal:
        t = b.seeds.tolerance(p.meter)
        return max(t.of(p.expected), t.auto_adjust_limit) + _cents(rng, 100, 9_999)

    def fits_review(p: _KeyPlan) -> bool:
        t = b.seeds.tolerance(p.meter)
        return p.expected > 2 * (max(t.of(p.expected), t.auto_adjust_limit) + 100)

    def gap(p: _KeyPlan) -> Decimal:
        t = b.seeds.tolerance(p.meter)
        return t.auto_adjust_limit - t.of(p.expected)

    plan = _pick(b, "over_billed", ("focus", None), fits_review)
    if plan:
        delta = review_delta(plan)
        plan.amount += delta
        _add_fault(b, plan, Fault("over_billed", plan.system, "needs_review", delta=delta))
    plan = _pick(b, "under_billed", ("invoice_lines", None), fits_review)
    if plan:
        delta = -review_delta(plan)
        plan.amount += delta
        _add_fault(b, plan, Fault("under_billed", plan.system, "needs_review", delta=delta))
    plan = _pick(
        b,
        "within_tolerance",
        ("invoice_lines", None),
        lambda p: p.expected > 2 * b.seeds.tolerance(p.meter).of(p.expected),
    )
    if plan:
        delta = -b.seeds.tolerance(plan.meter).of(plan.expected)
        plan.amount += delta
        note = "billed = expected - tolerance exactly (the tolerance is inclusive)"
        _add_fault(
            b, plan, Fault("within_tolerance", plan.system, "matched", delta=delta, note=note)
        )
    plan = _pick(
        b,
        "within_tolerance",
        ("focus", None),
        lambda p: (
            b.seeds.tolerance(p.meter).of(p.expected) >= 2 * CENT
            and p.expected > 2 * b.seeds.tolerance(p.meter).of(p.expected)
        ),
    )
    if plan:
        tolerance = b.seeds.tolerance(plan.meter).of(plan.expected)
        delta = (tolerance / 2).quantize(CENT, rounding=ROUND_DOWN)
        plan.amount += delta
        note = "billed = expected + about half the tolerance"
        _add_fault(
            b, plan, Fault("within_tolerance", plan.system, "matched", delta=delta, note=note)
        )
    plan = _pick(
        b,
        "just_beyond_tolerance",
        ("focus", None),
        lambda p: gap(p) > MICRO and p.expected > 2 * b.seeds.tolerance(p.meter).of(p.expected),
    )
    if plan:
        delta = b.seeds.tolerance(plan.meter).of(plan.expected) + MICRO
        plan.amount += delta
        note = "billed = expected + tolerance + 1e-12"
        _add_fault(
            b,
            plan,
            Fault("just_beyond_tolerance", plan.system, "auto_adjust", delta=delta, note=note),
        )
    plan = _pick(
        b,
        "auto_adjust",
        ("focus", "invoice_lines", None),
        lambda p: (
            gap(p) > 4 * CENT and p.expected > 2 * b.seeds.tolerance(p.meter).auto_adjust_limit
        ),
    )
    if plan:
        t = b.seeds.tolerance(plan.meter)
        low = t.of(plan.expected)
        middle = ((low + t.auto_adjust_limit) / 2).quantize(CENT, rounding=ROUND_DOWN)
        delta = -max(middle, (low + CENT).quantize(CENT, rounding=ROUND_DOWN))
        plan.amount += delta
        _add_fault(b, plan, Fault("auto_adjust", plan.system, "auto_adjust", delta=delta))


def _key_faults(b: _Builder) -> None:
    """Missing billing, a line in a foreign currency, late corrections."""
    rng = b.rng
    plan = _pick(b, "missing_billing", ("focus", "invoice_lines", None), lambda p: True)
    if plan:
        plan.skip = True
        _add_fault(b, plan, Fault("missing_billing", plan.system, "missing_billing"))
    plan = _pick(b, "currency_mismatch", ("focus", None), lambda p: True)
    if plan:
        plan.odd_currency = next(c for c in ("EUR", "USD", "GBP") if c != plan.currency.upper())
        note = f"one line billed in {plan.odd_currency}"
        _add_fault(b, plan, Fault("currency_mismatch", plan.system, "currency_mismatch", note=note))
    first = b.periods[0]

    def correctable(p: _KeyPlan) -> bool:
        t = b.seeds.tolerance(p.meter)
        return p.period == first and p.expected > 2 * (
            max(t.of(p.expected), t.auto_adjust_limit) + 100
        )

    for system, sign in (("focus", -1), ("invoice_lines", 1)):
        plan = _pick(b, f"late_correction:{system}", (system,), correctable)
        if plan:
            t = b.seeds.tolerance(plan.meter)
            size = max(t.of(plan.expected), t.auto_adjust_limit) + _cents(rng, 100, 9_999)
            plan.amount += sign * size
            plan.correction = -sign * size
            note = (
                f"original lines off by {sign * size}; a correction of {-sign * size} "
                "issued two months later restores the expected amount"
            )
            _add_fault(
                b, plan, Fault("late_correction", system, "matched", delta=Decimal(0), note=note)
            )


def _billed_only(b: _Builder) -> None:
    """Keys billed without anything expected: unpriced meters, a tenant without contract,
    a commitment true-up of a contract without shortfall (missing_usage)."""
    rng = b.rng
    for plan in [p for _k, p in sorted(b.plans.items()) if p.unpriced == {"unpriced_meter"}]:
        if not plan.windows or plan.used:
            continue
        price = UNBILLED_PRICES.get(plan.meter, DEFAULT_UNBILLED_PRICE)
        plan.amount = max(CENT, (plan.metered * price).quantize(CENT))
        plan.used = True
        _add_fault(
            b,
            plan,
            Fault("unpriced_meter", plan.system, "unpriced_meter", billed_amount=plan.amount),
        )
    # a tenant with an account but no contract version in force in a billed period
    done = False
    for period in b.periods:
        for tenant in sorted({a.tenant_id for a in b.seeds.accounts}):
            if done or b.seeds.versions_in(tenant, period):
                continue
            windows = _account_windows(b.seeds, tenant, [(period, next_month(period))])
            if not windows:
                continue
            system = b.seeds.system_of(tenant) or "focus"
            usage = sorted(
                (p for p in b.plans.values() if p.period == period and p.tenant_id == tenant),
                key=lambda p: (-p.metered, p.meter),
            )
            if usage:
                plan = usage[0]
            else:
                meter = next(s.meter for s in b.seeds.skus if s.source_system == system)
                plan = _KeyPlan(
                    period, tenant, meter, system, Decimal(0), Decimal(0), "USD", [], frozenset()
                )
                b.plans[plan.key] = plan
            plan.windows = windows
            price = UNBILLED_PRICES.get(plan.meter, DEFAULT_UNBILLED_PRICE)
            plan.amount = max(Decimal(42), (plan.metered * price).quantize(CENT))
            plan.used = True
            _add_fault(
                b, plan, Fault("no_contract", plan.system, "no_contract", billed_amount=plan.amount)
            )
            done = True
    if not done:
        b.skipped.append("no_contract")
    # a commitment true-up billed for a tenant whose contract has no shortfall that period
    candidates = []
    for system in ("focus", "invoice_lines"):
        for period in b.periods:
            for tenant in sorted({a.tenant_id for a in b.seeds.accounts}):
                versions = b.seeds.versions_in(tenant, period)
                key = (period, tenant, COMMITMENT_METER)
                if not versions or key in b.plans or b.seeds.system_of(tenant) != system:
                    continue
                windows = _account_windows(
                    b.seeds,
                    tenant,
                    [
                        (max(period, v.start), min(next_month(period), v.end or next_month(period)))
                        for v in versions
                    ],
                )
                if windows:
                    candidates.append((key, system, versions[-1].currency, windows))
        if candidates:
            break
    if not candidates:
        b.skipped.append("missing_usage")
        return
    key, system, currency, windows = rng.choice(candidates)
    plan = _KeyPlan(*key, system, Decimal(0), Decimal(0), currency, windows, frozenset())
    plan.amount = Decimal(100) + _cents(rng, 1, 9_999)
    plan.used = True
    b.plans[key] = plan
    _add_fault(b, plan, Fault("missing_usage", system, "missing_usage", billed_amount=plan.amount))


# --------------------------------------------------------------------------- lines


def _focus_file(b: _Builder, period: date, tenant: str) -> ExportFile:
    """FOCUS tenants alternate between two files per month; the first month's second file
    is Parquet."""
    tenants = sorted({a.tenant_id for a in b.seeds.accounts if a.source_system == "focus"})
    part = "a" if tenant not in tenants or tenants.index(tenant) % 2 == 0 else "b"
    fmt = "parquet" if part == "b" and period == b.periods[0] else "csv"
    return b.file(
        "focus", _export_date(period, 1, b.export_day), f"focus-{period:%Y-%m}-{part}", fmt
    )


def _invoice_file(b: _Builder, period: date) -> ExportFile:
    return b.file(
        "invoice_lines", _export_date(period, 1, b.export_day), f"invoice-lines-{period:%Y-%m}"
    )


def _correction_file(b: _Builder, system: str, period: date) -> ExportFile:
    name = "focus-corrections" if system == "focus" else "invoice-lines-corrections"
    return b.file(system, _export_date(period, 2, b.export_day), f"{name}-{period:%Y-%m}")


def _written_currency(currency: str, rng: Random) -> str:
    return currency.lower() if rng.random() < 0.2 else currency.upper()


def _usage_lines(b: _Builder, plan: _KeyPlan) -> list[BillingLine]:
    """The usage lines of one key: its amount and metered quantity split over a few lines
    (each within a contract segment and account validity window)."""
    rng, seeds = b.rng, b.seeds
    sku = seeds.sku_for(plan.system, plan.meter)
    if sku is None:
        return []
    focus = plan.system == "focus"
    roll = rng.random()
    parts = 1 if roll < 0.55 else 2 if roll < 0.85 else 3
    if not focus:
        parts = 1 if roll < 0.8 else 2
    parts = max(parts, len(plan.windows))
    amounts = (
        _split(plan.amount, parts, rng, 12, 15) if focus else _split(plan.amount, parts, rng, 2, 6)
    )
    amounts += [Decimal(0)] * (parts - len(amounts))
    quantities: list[Decimal | None]
    if plan.meter == COMMITMENT_METER:
        # a commitment has no consumed quantity: null in FOCUS, 0 on an invoice line
        quantities = [None if focus else Decimal(0)] * parts
    else:
        with localcontext() as ctx:
            ctx.prec = 80
            provider_q = (plan.metered / sku.factor).quantize(Decimal(1).scaleb(-15))
        quantities = list(_split(provider_q, parts, rng, 9, 15))
        quantities += [Decimal(0)] * (parts - len(quantities))
    lines = []
    per_window: Counter[int] = Counter(i % len(plan.windows) for i in range(parts))
    for i in range(parts):
        w = i % len(plan.windows)
        start, end, account = plan.windows[w]
        if per_window[w] == 1:
            charge_start, charge_end = start, end
        else:
            charge_start = start + timedelta(days=rng.randrange((end - start).days))
            charge_end = charge_start + timedelta(days=1)
        currency = plan.currency
        if plan.odd_currency and i == parts - 1:
            currency = plan.odd_currency
        lines.append(
            BillingLine(
                source_system=plan.system,
                account_id=account.account_id,
                sku_id=sku.sku_id,
                category=_usage_category(plan.system, rng),
                charge_start=_midnight(charge_start),
                charge_end=_midnight(charge_end),
                quantity=quantities[i],
                amount=amounts[i],
                currency=_written_currency(currency, rng),
                billing_period_start=plan.period,
                invoice_id=_invoice_id(plan.system, account.account_id, plan.period),
                description=f"{plan.meter.replace('_', ' ')}, {plan.period:%B %Y}",
                unit=_unit(seeds, sku),
                has_sub_account=rng.random() < 0.7,
            )
        )
    return lines


def _usage_category(system: str, rng: Random) -> str:
    roll = rng.random()
    if system == "focus":
        return "usage" if roll < 0.08 else "USAGE" if roll < 0.1 else "Usage"
    return "Usage" if roll < 0.1 else "usage"


def _unit(seeds: BillingSeeds, sku: SkuMapping) -> str | None:
    if sku.meter == COMMITMENT_METER:
        return None
    unit = seeds.units.get(sku.meter, "unit")
    return f"1K {unit}s" if sku.factor == 1000 else unit


def _invoice_id(system: str, account: str, period: date) -> str:
    if system == "focus":
        return f"NIM-{period:%Y%m}-{account}"
    return f"INV-{period:%Y%m}-{account}"


def _correction_line(b: _Builder, plan: _KeyPlan) -> BillingLine:
    assert plan.correction is not None
    start, end, account = plan.windows[0]
    sku = b.seeds.sku_for(plan.system, plan.meter)
    assert sku is not None
    issued = _export_date(plan.period, 2, b.export_day)
    focus = plan.system == "focus"
    return BillingLine(
        source_system=plan.system,
        account_id=account.account_id,
        sku_id=sku.sku_id,
        category="Usage" if focus else "correction",
        charge_start=_midnight(start),
        charge_end=_midnight(end),
        quantity=Decimal(0),
        amount=plan.correction,
        currency=_written_currency(plan.currency, b.rng),
        billing_period_start=month_start(issued - timedelta(days=issued.day)),
        is_correction=True,
        invoice_id=(
            f"NIM-CR-{issued:%Y%m}-{account.account_id}"
            if focus
            else f"CN-{issued:%Y%m}-{account.account_id}"
        ),
        description=f"Correction of {plan.meter.replace('_', ' ')} for {plan.period:%B %Y}",
        unit=_unit(b.seeds, sku),
        has_sub_account=True,
    )


def _non_usage(
    system: str,
    account: str,
    category: str,
    amount: Decimal | Invalid,
    period: date,
    currency: str,
    description: str,
    invoice_id: str | None,
    has_sub_account: bool = True,
) -> BillingLine:
    return BillingLine(
        source_system=system,
        account_id=account,
        sku_id=None,
        category=category,
        charge_start=_midnight(period),
        charge_end=_midnight(next_month(period)),
        quantity=None,
        amount=amount,
        currency=currency,
        billing_period_start=period,
        invoice_id=invoice_id,
        description=description,
        has_sub_account=has_sub_account,
    )


def _add_non_usage(b: _Builder) -> None:
    """Tax per account (FOCUS) or invoice, credits and purchases, one adjustment."""
    rng = b.rng
    first_focus = True
    for (system, _export, _name), file in sorted(b.files.items(), key=lambda kv: kv[0]):
        usage = [line for line in file.lines if line.is_usage]
        accounts = sorted({line.account_id for line in usage})
        if not accounts:
            continue
        period = min(month_start(line.charge_start.date()) for line in usage)  # type: ignore[union-attr]
        extra: list[BillingLine] = []
        for account in accounts:
            subtotal = sum(
                (line.amount for line in usage if line.account_id == account),  # type: ignore[misc]
                Decimal(0),
            )
            currency = next(line.currency for line in usage if line.account_id == account)
            if system == "focus":
                tax = (subtotal * TAX_RATE).quantize(MICRO)
                category = "tax" if rng.random() < 0.2 else "Tax"
            else:
                tax = (subtotal * INVOICE_TAX_RATE).quantize(CENT)
                category = "TAX" if rng.random() < 0.2 else "tax"
            extra.append(
                _non_usage(
                    system,
                    account,
                    category,
                    tax,
                    period,
                    currency,
                    "Sales tax",
                    next(line.invoice_id for line in usage if line.account_id == account),
                )
            )
        file.lines.extend(extra)
        if any(line.is_correction for line in usage):
            continue
        extra = []
        account = rng.choice(accounts)
        currency = next(line.currency for line in usage if line.account_id == account)
        extra.append(
            _non_usage(
                system,
                account,
                "Credit" if system == "focus" else "credit",
                -(Decimal(5) + _cents(rng, 0, 4_500)),
                period,
                currency,
                "Promotional credit, loyalty",
                _invoice_id(system, account, period),
            )
        )
        if system == "focus":
            account = rng.choice(accounts)
            extra.append(
                _non_usage(
                    system,
                    account,
                    "Purchase",
                    Decimal("49.000000000000"),
                    period,
                    "USD",
                    "Business support plan",
                    _invoice_id(system, account, period),
                )
            )
            if first_focus:
                extra.append(
                    _non_usage(
                        system,
                        account,
                        "Adjustment",
                        Decimal("-3.500000000000"),
                        period,
                        "USD",
                        "Goodwill adjustment",
                        None,
                        has_sub_account=False,
                    )
                )
                first_focus = False
        file.lines.extend(extra)


def _special_file(b: _Builder, period: date) -> ExportFile:
    """The CSV FOCUS file of the period that holds the odd lines."""
    return b.file("focus", _export_date(period, 1, b.export_day), f"focus-{period:%Y-%m}-a")


def _unmapped_lines(b: _Builder) -> None:
    """Lines that cannot be mapped or read, and a charge category outside FOCUS's list."""
    rng, seeds = b.rng, b.seeds
    focus_tenants = sorted({a.tenant_id for a in seeds.accounts if a.source_system == "focus"})
    if not focus_tenants:
        b.skipped.extend(["unknown_account", "unknown_sku", "no_account_mapping_on_date"])
        b.skipped.extend(["unreadable_amount", "unreadable_date", "nonstandard_charge_category"])
        return
    first, last = b.periods[0], b.periods[-1]
    sku = next(s for s in seeds.skus if s.source_system == "focus" and s.meter != COMMITMENT_METER)

    def usage_line(account: str, day: date, amount: Decimal | Invalid, sku_id: str) -> BillingLine:
        return BillingLine(
            source_system="focus",
            account_id=account,
            sku_id=sku_id,
            category="Usage",
            charge_start=_midnight(day),
            charge_end=_midnight(day + timedelta(days=1)),
            quantity=Decimal(rng.randint(1, 500)),
            amount=amount,
            currency="USD",
            billing_period_start=month_start(day),
            invoice_id=None,
            description="usage",
            unit="unit",
            has_sub_account=True,
        )

    def add(kind: str, line: BillingLine, period: date, reason: str | None, note: str = "") -> None:
        _special_file(b, period).lines.append(line)
        b.faults.append(Fault(kind, "focus", reason=reason, lines=[line], note=note))

    def amount() -> Decimal:
        return Decimal(rng.randint(1_000, 90_000)) / 100 + Decimal(rng.randrange(10**9)) * MICRO

    add(
        "unknown_account",
        usage_line(UNKNOWN_ACCOUNT, first + timedelta(days=4), amount(), sku.sku_id),
        first,
        "unknown_account",
    )
    day = first + timedelta(days=20)
    account = None
    for tenant in focus_tenants:
        account = seeds.account_of(tenant, day)
        if account is not None and account.source_system == "focus":
            break
    if account is not None:
        add(
            "unknown_sku",
            usage_line(account.account_id, day, amount(), UNKNOWN_SKU),
            first,
            "unknown_sku",
        )
    else:
        b.skipped.append("unknown_sku")
    # an account used on a day none of its mappings covers (e.g. after it migrated)
    gaps = []
    for a in sorted(
        (a for a in seeds.accounts if a.source_system == "focus"),
        key=lambda a: (a.valid_to is None, a.account_id),
    ):
        for period in b.periods:
            invalid = [
                d
                for d in _days(period, next_month(period))
                if seeds.tenant_of("focus", a.account_id, d) is None
            ]
            if invalid:
                gaps.append((a, period, invalid))
                break
        if gaps:
            break
    if gaps:
        a, period, invalid = gaps[0]
        day = invalid[min(len(invalid) - 1, rng.randint(0, 9))]
        add(
            "no_account_mapping_on_date",
            usage_line(a.account_id, day, amount(), sku.sku_id),
            period,
            "no_account_mapping_on_date",
            note=f"{a.account_id} is not mapped on {day.isoformat()}",
        )
    else:
        b.skipped.append("no_account_mapping_on_date")
    tenant = focus_tenants[0]
    account = seeds.account_of(tenant, last + timedelta(days=9)) or seeds.account_of(tenant, last)
    account_id = account.account_id if account else UNKNOWN_ACCOUNT
    add(
        "unreadable_amount",
        usage_line(account_id, last + timedelta(days=9), Invalid("abc"), sku.sku_id),
        last,
        "unreadable_amount",
    )
    bad = usage_line(account_id, last + timedelta(days=11), amount(), sku.sku_id)
    month_days = (next_month(last) - last).days
    bad.charge_start = Invalid(f"{last:%Y-%m}-{month_days + 1:02d}T00:00:00Z")
    add("unreadable_date", bad, last, "unreadable_date")
    odd = _non_usage(
        "focus",
        account_id,
        NONSTANDARD_CATEGORY,
        Decimal("-0.004999999999"),
        first,
        "USD",
        "Rounding difference",
        None,
    )
    add(
        "nonstandard_charge_category",
        odd,
        first,
        None,
        note="ChargeCategory outside FOCUS's allowed values: kept as non-usage",
    )


def _place_usage(b: _Builder) -> None:
    """Every key's lines into its month's export (corrections two months later)."""
    for key, plan in sorted(b.plans.items()):
        if plan.skip or not (plan.has_expected or plan.used):
            continue
        if not plan.windows:
            if plan.expected:
                b.unbilled.append(key)
            continue
        if plan.amount == 0 and plan.metered == 0 and not plan.used:
            continue
        lines = _usage_lines(b, plan)
        target = (
            _focus_file(b, plan.period, plan.tenant_id)
            if plan.system == "focus"
            else _invoice_file(b, plan.period)
        )
        target.lines.extend(lines)
        for fault in plan.faults:
            fault.lines.extend(lines)
        if plan.correction is not None:
            line = _correction_line(b, plan)
            _correction_file(b, plan.system, plan.period).lines.append(line)
            for fault in plan.faults:
                fault.lines.append(line)


def _finish_files(b: _Builder) -> list[ExportFile]:
    """Line order, dropped optional columns and line numbers."""
    files = sorted(b.files.values(), key=lambda f: f.relative_path)
    focus_csv = 0
    for file in files:
        if file.source_system == "focus":
            b.rng.shuffle(file.lines)
            if file.fmt == "csv":
                drops = FOCUS_DROPS[focus_csv % len(FOCUS_DROPS)]
                if any(line.is_correction for line in file.lines):
                    drops = tuple(c for c in drops if c != "ChargeClass")
                file.drop_columns = drops
                file.crlf = focus_csv == 1
                focus_csv += 1
        else:
            file.lines.sort(key=lambda line: (line.account_id, not line.is_usage))
        for number, line in enumerate(file.lines, start=1):
            line.source_file = file.relative_path
            line.line_number = number
    return files


def build_billing(
    daily: Iterable[DailyUsage],
    usage_as_of: datetime,
    seed: int,
    *,
    export_day: int = 3,
    seeds_dir: Path = DEFAULT_SEEDS_DIR,
    aggregations: Mapping[str, str] | None = None,
) -> BillingData:
    """Billing exports for the usage: every month from the first with usage through the last
    with usage, and every later month whose export (day `export_day` of the next month) is
    visible at `usage_as_of`."""
    if not 1 <= export_day <= 28:
        raise ValueError("billing_export_day must be within [1, 28]")
    daily = list(daily)
    if not daily:
        return BillingData(files=[], faults=[], billed_periods=[])
    aggregations = {**load_aggregations(seeds_dir), **(aggregations or {})}
    first = month_start(min(row.usage_date for row in daily))
    last_usage = month_start(max(row.usage_date for row in daily))
    visible_until = as_of_date(usage_as_of)
    periods = [
        p
        for p in months(first, max(last_usage, visible_until))
        if p <= last_usage or _export_date(p, 1, export_day) <= visible_until
    ]
    b = _Builder(
        rng=Random(seed + 1),
        seeds=load_billing_seeds(seeds_dir),
        export_day=export_day,
        periods=periods,
        daily=daily,
        aggregations=aggregations,
        expected=price_periods(daily, periods, seeds_dir, aggregations),
        seeds_dir=seeds_dir,
    )
    _plans(b)
    _variance_faults(b)
    _key_faults(b)
    _billed_only(b)
    _place_usage(b)
    _add_non_usage(b)
    _unmapped_lines(b)
    files = _finish_files(b)
    return BillingData(
        files=files,
        faults=b.faults,
        billed_periods=periods,
        skipped=b.skipped,
        unbilled=sorted(b.unbilled),
    )


# --------------------------------------------------------------------------- truth


@dataclass(frozen=True)
class VarianceRow:
    """One row the variance mart must report."""

    period_start: date
    tenant_id: str
    meter: str
    metered_quantity: Decimal
    expected_amount: Decimal
    billed_amount: Decimal
    billed_quantity: Decimal
    billed_line_count: int
    currency: str | None
    tolerance: Decimal
    auto_adjust_limit: Decimal
    status: str

    @property
    def amount_variance(self) -> Decimal:
        return self.billed_amount - self.expected_amount


@dataclass(frozen=True)
class UnmappedRow:
    """One row of `ops.billing_unmapped_lines`."""

    source_file: str
    line_number: int
    reason: str
    amount: Decimal | None
    account_id: str
    sku_id: str | None


@dataclass(frozen=True)
class TieoutRow:
    """One row of `ops.billing_tieout`."""

    source_file: str
    total: Decimal
    reconciled_usage: Decimal
    non_usage: Decimal
    unmapped: Decimal
    line_count: int


@dataclass
class BillingTruth:
    """What the billing marts must report at one as_of."""

    variance: list[VarianceRow]
    unmapped: list[UnmappedRow]
    tieout: list[TieoutRow]
    periods: list[date]


@dataclass(frozen=True)
class _Mapped:
    """A usage line mapped to its key."""

    key: tuple[date, str, str]
    amount: Decimal
    quantity: Decimal
    currency: str


def unmapped_reason(line: BillingLine, seeds: BillingSeeds) -> str | None:
    """Why the line cannot be used (first that applies), or None."""
    if not isinstance(line.charge_start, datetime):
        return "unreadable_date"
    if not isinstance(line.amount, Decimal):
        return "unreadable_amount"
    if not line.is_usage:
        return None
    if not seeds.known_account(line.source_system, line.account_id):
        return "unknown_account"
    day = line.charge_start.astimezone(UTC).date()
    if seeds.tenant_of(line.source_system, line.account_id, day) is None:
        return "no_account_mapping_on_date"
    if seeds.sku(line.source_system, line.sku_id) is None:
        return "unknown_sku"
    return None


def _map(line: BillingLine, seeds: BillingSeeds) -> _Mapped:
    assert isinstance(line.charge_start, datetime) and isinstance(line.amount, Decimal)
    day = line.charge_start.astimezone(UTC).date()
    tenant = seeds.tenant_of(line.source_system, line.account_id, day)
    sku = seeds.sku(line.source_system, line.sku_id)
    assert tenant is not None and sku is not None
    quantity = Decimal(0) if line.quantity is None else line.quantity * sku.factor
    return _Mapped(
        (month_start(day), tenant, sku.meter), line.amount, quantity, line.currency.upper()
    )


def _status(
    key: tuple[date, str, str],
    seeds: BillingSeeds,
    has_expected: bool,
    expected: Decimal,
    billed: list[_Mapped],
    metered: Decimal,
    unpriced: set[str],
    currency: str | None,
) -> str:
    """SPEC section 3 Variance and status: the first rule that applies."""
    period, tenant, meter = key
    versions = seeds.versions_in(tenant, period)
    card_meters = set().union(
        *(seeds.rate_card_meters.get((v.contract_id, v.version), set()) for v in versions)
    )
    billed_amount = sum((m.amount for m in billed), Decimal(0))
    if "no_contract" in unpriced or (not has_expected and not versions):
        return "no_contract"
    if "unpriced_meter" in unpriced or (
        not has_expected and meter not in card_meters and meter != COMMITMENT_METER
    ):
        return "unpriced_meter"
    if currency is not None and any(m.currency != currency for m in billed):
        return "currency_mismatch"
    if expected != 0 and not billed:
        return "missing_billing"
    if billed_amount != 0 and expected == 0 and metered == 0:
        return "missing_usage"
    tolerance = seeds.tolerance(meter)
    variance = abs(billed_amount - expected)
    if variance <= tolerance.of(expected):
        return "matched"
    if variance <= tolerance.auto_adjust_limit:
        return "auto_adjust"
    return "needs_review"


def compute_billing_truth(
    files: Sequence[ExportFile],
    daily: Iterable[DailyUsage],
    as_of: datetime | date | str,
    seeds_dir: Path = DEFAULT_SEEDS_DIR,
    aggregations: Mapping[str, str] | None = None,
) -> BillingTruth:
    """Variance rows, unmapped lines and per-file tie-out as a build at as_of must report
    them, from the logical lines of the visible exports, the seeds and the daily usage."""
    daily = list(daily)
    seeds = load_billing_seeds(seeds_dir)
    aggregations = {**load_aggregations(seeds_dir), **(aggregations or {})}
    visible_until = as_of_date(as_of)
    unmapped: list[UnmappedRow] = []
    tieout: list[TieoutRow] = []
    mapped: list[_Mapped] = []
    usage_months: list[date] = []
    for file in sorted(files, key=lambda f: f.relative_path):
        if file.export_date > visible_until:
            continue
        buckets = dict.fromkeys(("total", "reconciled_usage", "non_usage", "unmapped"), Decimal(0))
        for line in file.lines:
            amount = line.amount if isinstance(line.amount, Decimal) else None
            buckets["total"] += amount or 0
            if line.is_usage and isinstance(line.charge_start, datetime):
                usage_months.append(month_start(line.charge_start.astimezone(UTC).date()))
            reason = unmapped_reason(line, seeds)
            if reason is not None:
                buckets["unmapped"] += amount or 0
                unmapped.append(
                    UnmappedRow(
                        line.source_file,
                        line.line_number,
                        reason,
                        amount,
                        line.account_id,
                        line.sku_id,
                    )
                )
            elif line.is_usage:
                buckets["reconciled_usage"] += amount or 0
                mapped.append(_map(line, seeds))
            else:
                buckets["non_usage"] += amount or 0
        tieout.append(TieoutRow(file.relative_path, **buckets, line_count=len(file.lines)))
    periods = reported_periods(daily, visible_until, min(usage_months, default=None))
    expected_lines = price_periods(daily, periods, seeds_dir, aggregations)
    expected: dict[tuple[date, str, str], Decimal] = defaultdict(Decimal)
    currencies: dict[tuple[date, str, str], str] = {}
    for line in expected_lines:
        expected[(line.period_start, line.tenant_id, line.meter)] += line.expected_amount
        currencies[(line.period_start, line.tenant_id, line.meter)] = line.currency
    metered = _metered(daily, aggregations)
    unpriced = unpriced_usage(daily, seeds_dir)
    billed: dict[tuple[date, str, str], list[_Mapped]] = defaultdict(list)
    for m in mapped:
        billed[m.key].append(m)
    in_range = set(periods)
    keys = sorted(k for k in set(expected) | set(billed) | set(unpriced) if k[0] in in_range)
    rows = []
    for key in keys:
        period, tenant, meter = key
        versions = seeds.versions_in(tenant, period)
        currency = currencies.get(key) or (versions[-1].currency if versions else None)
        lines = billed.get(key, [])
        tolerance = seeds.tolerance(meter)
        rows.append(
            VarianceRow(
                period_start=period,
                tenant_id=tenant,
                meter=meter,
                metered_quantity=metered.get(key, Decimal(0)),
                expected_amount=expected.get(key, Decimal(0)),
                billed_amount=sum((m.amount for m in lines), Decimal(0)),
                billed_quantity=sum((m.quantity for m in lines), Decimal(0)),
                billed_line_count=len(lines),
                currency=currency,
                tolerance=tolerance.of(expected.get(key, Decimal(0))),
                auto_adjust_limit=tolerance.auto_adjust_limit,
                status=_status(
                    key,
                    seeds,
                    key in expected,
                    expected.get(key, Decimal(0)),
                    lines,
                    metered.get(key, Decimal(0)),
                    unpriced.get(key, set()),
                    currency,
                ),
            )
        )
    unmapped.sort(key=lambda r: (r.source_file, r.line_number))
    return BillingTruth(variance=rows, unmapped=unmapped, tieout=tieout, periods=periods)


def check_billing(data: BillingData, truth: BillingTruth) -> None:
    """Self-check: every fault came out as injected; every other billed key is billed exactly
    what is expected; every file ties out."""
    rows = {(r.period_start, r.tenant_id, r.meter): r for r in truth.variance}
    reasons = {(r.source_file, r.line_number): r.reason for r in truth.unmapped}
    deltas: dict[tuple[date, str, str], Decimal] = defaultdict(Decimal)
    fixed: dict[tuple[date, str, str], Decimal] = {}
    problems = []
    for fault in data.faults:
        key = fault.key
        if fault.reason is not None:
            for line in fault.lines:
                if reasons.get((line.source_file, line.line_number)) != fault.reason:
                    problems.append(f"{fault.kind}: {line.source_file}:{line.line_number}")
        if key is None:
            continue
        if fault.expected_status is not None and rows[key].status != fault.expected_status:
            problems.append(f"{fault.kind} {key}: status {rows[key].status}")
        if fault.delta is not None:
            deltas[key] += fault.delta
        if fault.billed_amount is not None:
            fixed[key] = fault.billed_amount
    missing = {f.key for f in data.faults if f.kind == "missing_billing"}
    unbilled = set(data.unbilled)
    billed_periods = set(data.billed_periods)
    for key, row in rows.items():
        if key in fixed:
            want = fixed[key]
        elif key in missing or key in unbilled or key[0] not in billed_periods:
            want = Decimal(0)
        else:
            want = row.expected_amount + deltas[key]
        if row.billed_amount != want:
            problems.append(f"{key}: billed {row.billed_amount}, want {want}")
    unexpected = sorted(
        (r.source_file, r.line_number)
        for r in truth.unmapped
        if not any(
            (line.source_file, line.line_number) == (r.source_file, r.line_number)
            for f in data.faults
            if f.reason
            for line in f.lines
        )
    )
    problems += [f"unmapped without a fault: {item}" for item in unexpected]
    for t in truth.tieout:
        if t.total != t.reconciled_usage + t.non_usage + t.unmapped:
            problems.append(f"tie-out fails for {t.source_file}")
    if problems:
        raise RuntimeError("billing generator and truth disagree: " + "; ".join(problems[:8]))


# --------------------------------------------------------------------------- rendering


TIMESTAMP_FORMS: tuple[str, ...] = ("Z", "Z", "space", "+02:00", "-04:00", "ms")


def _timestamp_text(instant: datetime, form: str) -> str:
    """An instant as an export writes it: `Z`, no zone (UTC), or with an offset."""
    utc = instant.astimezone(UTC)
    if form == "space":
        return utc.strftime("%Y-%m-%d %H:%M:%S")
    if form == "ms":
        return utc.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if form in ("+02:00", "-04:00"):
        sign = 1 if form[0] == "+" else -1
        zone = timezone(sign * timedelta(hours=int(form[1:3])))
        return instant.astimezone(zone).isoformat()
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def _amount_text(value: Decimal, rng: Random, pad: bool) -> str:
    """A decimal as written: as is, or padded with zeros to 12..15 decimals."""
    places = max(0, -value.as_tuple().exponent)  # type: ignore[operator]
    if pad and places < 15 and rng.random() < 0.6:
        value = value.quantize(Decimal(1).scaleb(-max(places, rng.randint(12, 15))))
    return format(value, "f")


def _null(rng: Random) -> str:
    return rng.choice(NULL_TOKENS)


def _focus_values(line: BillingLine, rng: Random) -> dict[str, str | None]:
    """One FOCUS line's field texts (None: a null, written as an empty field or a token)."""
    form = rng.choice(TIMESTAMP_FORMS)
    start = (
        line.charge_start.text
        if isinstance(line.charge_start, Invalid)
        else _timestamp_text(line.charge_start, form)
    )
    amount = (
        line.amount.text
        if isinstance(line.amount, Invalid)
        else _amount_text(line.amount, rng, True)
    )
    billing_start = _midnight(line.billing_period_start)
    billing_form = "date" if rng.random() < 0.3 else form
    quantity = None if line.quantity is None else _amount_text(line.quantity, rng, False)
    return {
        "BillingAccountId": PAYER_ACCOUNT if line.has_sub_account else line.account_id,
        "BillingAccountName": "Acme Payer" if rng.random() < 0.8 else None,
        "SubAccountId": line.account_id if line.has_sub_account else None,
        "ProviderName": PROVIDER_NAME,
        "ChargePeriodStart": start,
        "ChargePeriodEnd": _timestamp_text(line.charge_end, form),
        "BillingPeriodStart": (
            line.billing_period_start.isoformat()
            if billing_form == "date"
            else _timestamp_text(billing_start, billing_form)
        ),
        "BillingPeriodEnd": _timestamp_text(_midnight(next_month(line.billing_period_start)), "Z"),
        "ChargeCategory": line.category,
        "ChargeClass": ("correction" if rng.random() < 0.3 else "Correction")
        if line.is_correction
        else None,
        "ChargeDescription": line.description or None,
        "SkuId": line.sku_id,
        "ConsumedQuantity": quantity,
        "ConsumedUnit": line.unit,
        "ListCost": amount if rng.random() < 0.5 else None,
        "BilledCost": amount,
        "EffectiveCost": amount if rng.random() < 0.85 else None,
        "BillingCurrency": line.currency,
        "InvoiceId": line.invoice_id,
        "x_VendorDiscountCode": rng.choice(("EDP-2026", "PROMO10", None, None)),
        "x_ServiceCode": rng.choice(("svc-compute", "svc-network", "svc-storage", None)),
    }


def _invoice_values(line: BillingLine, rng: Random, line_id: int) -> dict[str, str | None]:
    form = rng.choice(("Z", "Z", "space", "ms"))
    start = (
        line.charge_start.text
        if isinstance(line.charge_start, Invalid)
        else _timestamp_text(line.charge_start, form)
    )
    amount = (
        line.amount.text
        if isinstance(line.amount, Invalid)
        else _amount_text(line.amount, rng, False)
    )
    return {
        "invoice_id": line.invoice_id or f"CN-{line.billing_period_start:%Y%m}-{line.account_id}",
        "line_id": f"L{line_id:05d}",
        "customer_id": line.account_id,
        "price_id": line.sku_id,
        "description": line.description or None,
        "period_start": start,
        "period_end": _timestamp_text(line.charge_end, form),
        "quantity": None if line.quantity is None else format(line.quantity, "f"),
        "amount": amount,
        "currency": line.currency,
        "line_type": line.category,
    }


def _csv_bytes(header: Sequence[str], rows: Iterable[Sequence[str]], crlf: bool) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def render_billing(data: BillingData, rng: Random) -> dict[str, bytes | list[dict]]:
    """CSV bytes per CSV file, and typed rows (text values) per Parquet file."""
    out: dict[str, bytes | list[dict]] = {}
    for file in data.files:
        if file.source_system == "focus":
            columns = [c for c in FOCUS_COLUMNS if c not in file.drop_columns]
            if file.drop_columns == () and file.fmt == "csv":
                # vendor columns somewhere in the middle
                columns.remove("x_VendorDiscountCode")
                columns.insert(2, "x_VendorDiscountCode")
            values = [_focus_values(line, rng) for line in file.lines]
            if file.fmt == "parquet":
                out[file.relative_path] = [{c: v[c] for c in columns} for v in values]
                continue
            rows = [[v[c] if v[c] is not None else _null(rng) for c in columns] for v in values]
            out[file.relative_path] = _csv_bytes(columns, rows, file.crlf)
        else:
            values = [_invoice_values(line, rng, n) for n, line in enumerate(file.lines, 1)]
            rows = [
                [v[c] if v[c] is not None else _null(rng) for c in INVOICE_COLUMNS] for v in values
            ]
            out[file.relative_path] = _csv_bytes(INVOICE_COLUMNS, rows, False)
    return out


def _parquet_value(column: str, text: str | None) -> str | None:
    """Parquet holds real types: timestamps as UTC instants, amounts as DECIMAL(38, 15)."""
    if text is None:
        return None
    if PARQUET_TYPES.get(column) == "timestamptz":
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S+00")
    return text


def write_billing(data: BillingData, landing: Path, seed: int) -> None:
    """Write every export under the landing root."""
    rendered = render_billing(data, Random(seed + 2))
    for path, content in rendered.items():
        target = landing / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
            continue
        _write_parquet(target, content)


def _write_parquet(target: Path, rows: list[dict]) -> None:
    columns = list(rows[0]) if rows else list(FOCUS_COLUMNS)
    con = duckdb.connect(":memory:")
    try:
        con.execute("set threads = 1")
        con.execute("set TimeZone = 'UTC'")
        con.execute("create table stage (" + ", ".join(f'"{c}" varchar' for c in columns) + ")")
        con.executemany(
            f"insert into stage values ({', '.join('?' for _ in columns)})",
            [[_parquet_value(c, row[c]) for c in columns] for row in rows],
        )
        select = ", ".join(
            f'cast("{c}" as {PARQUET_TYPES[c]}) as "{c}"' if c in PARQUET_TYPES else f'"{c}"'
            for c in columns
        )
        quoted = str(target).replace("'", "''")
        con.execute(f"copy (select {select} from stage) to '{quoted}' (format parquet)")
    finally:
        con.close()


# --------------------------------------------------------------------------- truth files


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


VARIANCE_COLUMNS: tuple[str, ...] = (
    "period_start",
    "tenant_id",
    "meter",
    "metered_quantity",
    "expected_amount",
    "billed_amount",
    "billed_quantity",
    "status",
    "amount_variance",
    "currency",
    "tolerance",
    "auto_adjust_limit",
    "billed_line_count",
)


def write_billing_truth(
    data: BillingData, truth: BillingTruth, truth_dir: Path, extra: Mapping[str, Any]
) -> dict[str, Any]:
    """billing_variance.csv, billing_unmapped.csv, billing_tieout.csv, billing_faults.json."""
    truth_dir.mkdir(parents=True, exist_ok=True)
    _write_csv(
        truth_dir / "billing_variance.csv",
        VARIANCE_COLUMNS,
        (
            (
                r.period_start.isoformat(),
                r.tenant_id,
                r.meter,
                _at_scale(r.metered_quantity, 9),
                _at_scale(r.expected_amount, 2),
                _at_scale(r.billed_amount, 15),
                _at_scale(r.billed_quantity, 15),
                r.status,
                _at_scale(r.amount_variance, 15),
                r.currency or "",
                _at_scale(r.tolerance, 6),
                _at_scale(r.auto_adjust_limit, 2),
                r.billed_line_count,
            )
            for r in truth.variance
        ),
    )
    _write_csv(
        truth_dir / "billing_unmapped.csv",
        ("source_file", "line_number", "reason", "amount", "account_id", "sku_id"),
        (
            (
                r.source_file,
                r.line_number,
                r.reason,
                "" if r.amount is None else _at_scale(r.amount, 15),
                r.account_id,
                r.sku_id or "",
            )
            for r in truth.unmapped
        ),
    )
    _write_csv(
        truth_dir / "billing_tieout.csv",
        ("source_file", "total", "reconciled_usage", "non_usage", "unmapped", "line_count"),
        (
            (
                t.source_file,
                _at_scale(t.total, 15),
                _at_scale(t.reconciled_usage, 15),
                _at_scale(t.non_usage, 15),
                _at_scale(t.unmapped, 15),
                t.line_count,
            )
            for t in truth.tieout
        ),
    )
    summary = {
        **extra,
        "billed_periods": [p.isoformat() for p in data.billed_periods],
        "reported_periods": [p.isoformat() for p in truth.periods],
        "files": [
            {
                "path": f.relative_path,
                "source_system": f.source_system,
                "format": f.fmt,
                "export_date": f.export_date.isoformat(),
                "lines": len(f.lines),
                "dropped_columns": list(f.drop_columns),
            }
            for f in data.files
        ],
        "counts": {kind: sum(f.kind == kind for f in data.faults) for kind in FAULT_KINDS},
        "skipped": data.skipped,
        "unbilled_keys": [[p.isoformat(), t, m] for p, t, m in data.unbilled],
        "status_counts": {s: sum(r.status == s for r in truth.variance) for s in STATUSES},
        "unmapped_by_reason": {
            reason: sum(r.reason == reason for r in truth.unmapped) for reason in UNMAPPED_REASONS
        },
        "faults": [f.to_json() for f in data.faults],
    }
    (truth_dir / "billing_faults.json").write_text(
        json.dumps(summary, indent=2) + "\n", encoding="utf-8"
    )
    return summary
