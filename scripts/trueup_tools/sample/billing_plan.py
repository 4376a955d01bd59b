"""Stage 4a, billing plan: one `_KeyPlan` per period x tenant x meter key billed (priced with
`trueup_tools.pricing`, the independent reference) and the billing faults chosen on them
(variances, key faults, billed-only keys). Takes the usage truth's daily rows and the
seeds; gives a `_Builder` holding the plans and faults. Only `Random(seed + 1)` decides.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal
from functools import partial
from pathlib import Path
from random import Random
from typing import Any

from trueup_tools.pricing import (
    COMMITMENT_METER,
    DEFAULT_SEEDS_DIR,
    DailyUsage,
    ExpectedLine,
    aggregate,
    month_start,
    next_month,
    unpriced_usage,
)
from trueup_tools.sample.billing_records import (
    CENT,
    DEFAULT_UNBILLED_PRICE,
    MICRO,
    UNBILLED_PRICES,
    ExportFile,
    Fault,
    _days,
)
from trueup_tools.sample.billing_seeds import AccountMapping, BillingSeeds


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


def _review_delta(b: _Builder, p: _KeyPlan) -> Decimal:
    """A difference beyond both the tolerance and the auto-adjust limit (needs review)."""
    t = b.seeds.tolerance(p.meter)
    return max(t.of(p.expected), t.auto_adjust_limit) + _cents(b.rng, 100, 9_999)


def _fits_review(b: _Builder, p: _KeyPlan) -> bool:
    """Whether the key's expected amount leaves room for a review-sized difference."""
    t = b.seeds.tolerance(p.meter)
    return p.expected > 2 * (max(t.of(p.expected), t.auto_adjust_limit) + 100)


def _gap(b: _Builder, p: _KeyPlan) -> Decimal:
    """auto_adjust_limit - tolerance of the key: the room for an auto-adjusted difference."""
    t = b.seeds.tolerance(p.meter)
    return t.auto_adjust_limit - t.of(p.expected)


def _tolerance_of(b: _Builder, p: _KeyPlan) -> Decimal:
    return b.seeds.tolerance(p.meter).of(p.expected)


def _shift(b: _Builder, plan: _KeyPlan, delta: Decimal, fault: Fault) -> None:
    """Bill the key `delta` away from its expected amount and record the fault."""
    plan.amount += delta
    _add_fault(b, plan, fault)


def _shift_fault(
    b: _Builder,
    fault: tuple[str, str],
    systems: Sequence[str | None],
    fits: Callable[[_KeyPlan], bool],
    delta_of: Callable[[_KeyPlan], Decimal],
    note: str = "",
) -> None:
    """A variance fault: a clean key of the first of `systems` with one that `fits`, billed
    `delta_of(key)` away from its expected amount; `fault` is its kind and the status the
    variance must give it (nothing when no key fits: the kind is recorded as skipped)."""
    kind, status = fault
    plan = _pick(b, kind, systems, fits)
    if plan:
        delta = delta_of(plan)
        _shift(b, plan, delta, Fault(kind, plan.system, status, delta=delta, note=note))


def _review_faults(b: _Builder) -> None:
    """Over- and under-billing beyond the auto-adjust limit (needs_review)."""
    fits = partial(_fits_review, b)
    _shift_fault(
        b, ("over_billed", "needs_review"), ("focus", None), fits, partial(_review_delta, b)
    )
    _shift_fault(
        b,
        ("under_billed", "needs_review"),
        ("invoice_lines", None),
        fits,
        lambda p: -_review_delta(b, p),
    )


def _tolerance_faults(b: _Builder) -> None:
    """Exactly at the tolerance, about half of it (matched), and just beyond it."""
    _shift_fault(
        b,
        ("within_tolerance", "matched"),
        ("invoice_lines", None),
        lambda p: p.expected > 2 * _tolerance_of(b, p),
        lambda p: -_tolerance_of(b, p),
        "billed = expected - tolerance exactly (the tolerance is inclusive)",
    )
    _shift_fault(
        b,
        ("within_tolerance", "matched"),
        ("focus", None),
        lambda p: _tolerance_of(b, p) >= 2 * CENT and p.expected > 2 * _tolerance_of(b, p),
        lambda p: (_tolerance_of(b, p) / 2).quantize(CENT, rounding=ROUND_DOWN),
        "billed = expected + about half the tolerance",
    )
    _shift_fault(
        b,
        ("just_beyond_tolerance", "auto_adjust"),
        ("focus", None),
        lambda p: _gap(b, p) > MICRO and p.expected > 2 * _tolerance_of(b, p),
        lambda p: _tolerance_of(b, p) + MICRO,
        "billed = expected + tolerance + 1e-12",
    )


def _auto_adjust_delta(b: _Builder, p: _KeyPlan) -> Decimal:
    """Under-billing half-way between the tolerance and the auto-adjust limit (at least a
    cent beyond the tolerance)."""
    t = b.seeds.tolerance(p.meter)
    low = t.of(p.expected)
    middle = ((low + t.auto_adjust_limit) / 2).quantize(CENT, rounding=ROUND_DOWN)
    return -max(middle, (low + CENT).quantize(CENT, rounding=ROUND_DOWN))


def _auto_adjust_fault(b: _Builder) -> None:
    """A difference between the tolerance and the auto-adjust limit (auto_adjust)."""
    _shift_fault(
        b,
        ("auto_adjust", "auto_adjust"),
        ("focus", "invoice_lines", None),
        lambda p: (
            _gap(b, p) > 4 * CENT and p.expected > 2 * b.seeds.tolerance(p.meter).auto_adjust_limit
        ),
        partial(_auto_adjust_delta, b),
    )


def _variance_faults(b: _Builder) -> None:
    """Billed = expected +- delta: beyond the limit (both ways), exactly at the tolerance,
    just beyond it, and between tolerance and auto_adjust_limit."""
    _review_faults(b)
    _tolerance_faults(b)
    _auto_adjust_fault(b)


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


def _unpriced_meter_faults(b: _Builder) -> None:
    """Usage of meters no rate card prices, billed anyway (unpriced_meter)."""
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


def _no_contract_plan(b: _Builder, period: date, tenant: str, system: str) -> _KeyPlan:
    """The tenant's biggest key of the period, or a new key of a meter its system bills."""
    usage = sorted(
        (p for p in b.plans.values() if p.period == period and p.tenant_id == tenant),
        key=lambda p: (-p.metered, p.meter),
    )
    if usage:
        return usage[0]
    meter = next(s.meter for s in b.seeds.skus if s.source_system == system)
    plan = _KeyPlan(period, tenant, meter, system, Decimal(0), Decimal(0), "USD", [], frozenset())
    b.plans[plan.key] = plan
    return plan


def _no_contract_fault(b: _Builder) -> None:
    """A tenant with an account but no contract version in force in a billed period."""
    for period in b.periods:
        for tenant in sorted({a.tenant_id for a in b.seeds.accounts}):
            if b.seeds.versions_in(tenant, period):
                continue
            windows = _account_windows(b.seeds, tenant, [(period, next_month(period))])
            if not windows:
                continue
            system = b.seeds.system_of(tenant) or "focus"
            plan = _no_contract_plan(b, period, tenant, system)
            plan.windows = windows
            price = UNBILLED_PRICES.get(plan.meter, DEFAULT_UNBILLED_PRICE)
            plan.amount = max(Decimal(42), (plan.metered * price).quantize(CENT))
            plan.used = True
            _add_fault(
                b, plan, Fault("no_contract", plan.system, "no_contract", billed_amount=plan.amount)
            )
            return
    b.skipped.append("no_contract")


def _true_up_candidates(b: _Builder) -> list[tuple[tuple[date, str, str], str, str, list]]:
    """Commitment true-up keys not planned yet, for the first system that has any: (key,
    system, currency, account windows)."""
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
    return candidates


def _missing_usage_fault(b: _Builder) -> None:
    """A commitment true-up billed for a tenant whose contract has no shortfall that period."""
    candidates = _true_up_candidates(b)
    if not candidates:
        b.skipped.append("missing_usage")
        return
    key, system, currency, windows = b.rng.choice(candidates)
    plan = _KeyPlan(*key, system, Decimal(0), Decimal(0), currency, windows, frozenset())
    plan.amount = Decimal(100) + _cents(b.rng, 1, 9_999)
    plan.used = True
    b.plans[key] = plan
    _add_fault(b, plan, Fault("missing_usage", system, "missing_usage", billed_amount=plan.amount))


def _billed_only(b: _Builder) -> None:
    """Keys billed without anything expected: unpriced meters, a tenant without contract,
    a commitment true-up of a contract without shortfall (missing_usage)."""
    _unpriced_meter_faults(b)
    _no_contract_fault(b)
    _missing_usage_fault(b)
