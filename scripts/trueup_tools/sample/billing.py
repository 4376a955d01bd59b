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
    next_month,
    price_periods,
)
from trueup_tools.sample.billing_plan import (
    _billed_only,
    _Builder,
    _cents,
    _key_faults,
    _KeyPlan,
    _plans,
    _variance_faults,
)
from trueup_tools.sample.billing_records import (
    CENT,
    FOCUS_DROPS,
    INVOICE_TAX_RATE,
    MICRO,
    NONSTANDARD_CATEGORY,
    TAX_RATE,
    UNKNOWN_ACCOUNT,
    UNKNOWN_SKU,
    BillingData,
    BillingLine,
    ExportFile,
    Fault,
    _days,
    _export_date,
    _midnight,
    _split,
)
from trueup_tools.sample.billing_seeds import BillingSeeds, SkuMapping, load_billing_seeds
from trueup_tools.sample.usage_rules import Invalid


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
