"""Stage 5, billing truth: the expected variance, unmapped lines and per-file tie-out (SPEC
section 3, Variance and status) from the logical billing lines, the seeds and the usage
truth only (`compute_billing_truth`), and `check_billing`, which proves that every injected
fault came out as intended. Takes `BillingData` and the daily usage; gives `BillingTruth`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from trueup_tools.pricing import (
    COMMITMENT_METER,
    DEFAULT_SEEDS_DIR,
    DailyUsage,
    as_of_date,
    load_aggregations,
    month_start,
    price_periods,
    reported_periods,
    unpriced_usage,
)
from trueup_tools.sample.billing_plan import _metered
from trueup_tools.sample.billing_records import BillingData, BillingLine, ExportFile
from trueup_tools.sample.billing_seeds import BillingSeeds, load_billing_seeds


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
    """One row of `ops.fct_billing_unmapped_lines`."""

    source_file: str
    line_number: int
    reason: str
    amount: Decimal | None
    account_id: str
    sku_id: str | None


@dataclass(frozen=True)
class TieoutRow:
    """One row of `ops.fct_billing_tieout`."""

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


Key = tuple[date, str, str]
"""A variance key: (period_start, tenant_id, meter)."""


@dataclass
class _Exports:
    """What the visible exports hold: mapped usage, unmapped lines, per-file tie-out, and the
    months of their usage."""

    mapped: list[_Mapped] = field(default_factory=list)
    unmapped: list[UnmappedRow] = field(default_factory=list)
    tieout: list[TieoutRow] = field(default_factory=list)
    usage_months: list[date] = field(default_factory=list)


def _read_file(file: ExportFile, seeds: BillingSeeds, into: _Exports) -> None:
    """Sort one export's lines into mapped usage, non-usage and unmapped; tie out the file."""
    buckets = dict.fromkeys(("total", "reconciled_usage", "non_usage", "unmapped"), Decimal(0))
    for line in file.lines:
        amount = line.amount if isinstance(line.amount, Decimal) else None
        buckets["total"] += amount or 0
        if line.is_usage and isinstance(line.charge_start, datetime):
            into.usage_months.append(month_start(line.charge_start.astimezone(UTC).date()))
        reason = unmapped_reason(line, seeds)
        if reason is not None:
            buckets["unmapped"] += amount or 0
            into.unmapped.append(
                UnmappedRow(
                    line.source_file, line.line_number, reason, amount, line.account_id, line.sku_id
                )
            )
        elif line.is_usage:
            buckets["reconciled_usage"] += amount or 0
            into.mapped.append(_map(line, seeds))
        else:
            buckets["non_usage"] += amount or 0
    into.tieout.append(TieoutRow(file.relative_path, **buckets, line_count=len(file.lines)))


def _read_exports(
    files: Sequence[ExportFile], visible_until: date, seeds: BillingSeeds
) -> _Exports:
    """Every export visible at `visible_until`, in path order."""
    exports = _Exports()
    for file in sorted(files, key=lambda f: f.relative_path):
        if file.export_date <= visible_until:
            _read_file(file, seeds, exports)
    return exports


def _expected_by_key(
    daily: list[DailyUsage],
    periods: list[date],
    seeds_dir: Path,
    aggregations: Mapping[str, str],
) -> tuple[dict[Key, Decimal], dict[Key, str]]:
    """Expected amount and currency per key, priced by `trueup_tools.pricing`."""
    expected: dict[Key, Decimal] = defaultdict(Decimal)
    currencies: dict[Key, str] = {}
    for line in price_periods(daily, periods, seeds_dir, aggregations):
        expected[(line.period_start, line.tenant_id, line.meter)] += line.expected_amount
        currencies[(line.period_start, line.tenant_id, line.meter)] = line.currency
    return expected, currencies


@dataclass
class _Inputs:
    """What every variance row is derived from."""

    seeds: BillingSeeds
    expected: dict[Key, Decimal]
    currencies: dict[Key, str]
    metered: Mapping[Key, Decimal]
    unpriced: Mapping[Key, set[str]]
    billed: dict[Key, list[_Mapped]]


def _variance_row(key: Key, inputs: _Inputs) -> VarianceRow:
    """One key's variance row and status."""
    period, tenant, meter = key
    seeds = inputs.seeds
    versions = seeds.versions_in(tenant, period)
    currency = inputs.currencies.get(key) or (versions[-1].currency if versions else None)
    lines = inputs.billed.get(key, [])
    tolerance = seeds.tolerance(meter)
    expected = inputs.expected.get(key, Decimal(0))
    metered = inputs.metered.get(key, Decimal(0))
    return VarianceRow(
        period_start=period,
        tenant_id=tenant,
        meter=meter,
        metered_quantity=metered,
        expected_amount=expected,
        billed_amount=sum((m.amount for m in lines), Decimal(0)),
        billed_quantity=sum((m.quantity for m in lines), Decimal(0)),
        billed_line_count=len(lines),
        currency=currency,
        tolerance=tolerance.of(expected),
        auto_adjust_limit=tolerance.auto_adjust_limit,
        status=_status(
            key,
            seeds,
            key in inputs.expected,
            expected,
            lines,
            metered,
            inputs.unpriced.get(key, set()),
            currency,
        ),
    )


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
    exports = _read_exports(files, visible_until, seeds)
    periods = reported_periods(daily, visible_until, min(exports.usage_months, default=None))
    expected, currencies = _expected_by_key(daily, periods, seeds_dir, aggregations)
    billed: dict[Key, list[_Mapped]] = defaultdict(list)
    for m in exports.mapped:
        billed[m.key].append(m)
    inputs = _Inputs(
        seeds,
        expected,
        currencies,
        _metered(daily, aggregations),
        unpriced_usage(daily, seeds_dir),
        billed,
    )
    in_range = set(periods)
    keys = sorted(k for k in set(expected) | set(billed) | set(inputs.unpriced) if k[0] in in_range)
    rows = [_variance_row(key, inputs) for key in keys]
    unmapped = sorted(exports.unmapped, key=lambda r: (r.source_file, r.line_number))
    return BillingTruth(variance=rows, unmapped=unmapped, tieout=exports.tieout, periods=periods)


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
