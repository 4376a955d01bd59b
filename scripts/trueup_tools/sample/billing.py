"""Stage 4, billing: the provider exports for the usage truth. `build_billing` plans the keys
(`billing_plan`), writes each key's usage lines through its tenant's export system (FinOps
FOCUS or the company's invoice lines), adds non-usage lines (tax, credits, purchases),
unmapped lines and corrections, and places them in export files. Takes the daily usage
truth and as_of; gives logical `BillingData` (values as meant, before the CSV messiness).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal, localcontext
from pathlib import Path
from random import Random

from trueup_tools.pricing import (
    COMMITMENT_METER,
    DEFAULT_SEEDS_DIR,
    DailyUsage,
    as_of_date,
    load_aggregations,
    month_start,
    months,
    price_periods,
)
from trueup_tools.sample.billing_other_lines import add_non_usage, add_unmapped_lines, invoice_id
from trueup_tools.sample.billing_plan import (
    _billed_only,
    _Builder,
    _key_faults,
    _KeyPlan,
    _plans,
    _variance_faults,
)
from trueup_tools.sample.billing_records import (
    FOCUS_DROPS,
    BillingData,
    BillingLine,
    ExportFile,
    _export_date,
    _midnight,
    _split,
)
from trueup_tools.sample.billing_seeds import BillingSeeds, SkuMapping, load_billing_seeds


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
                invoice_id=invoice_id(plan.system, account.account_id, plan.period),
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
    add_non_usage(b)
    add_unmapped_lines(b)
    files = _finish_files(b)
    return BillingData(
        files=files,
        faults=b.faults,
        billed_periods=periods,
        skipped=b.skipped,
        unbilled=sorted(b.unbilled),
    )
