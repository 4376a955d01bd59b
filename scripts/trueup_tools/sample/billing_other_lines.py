"""Stage 4b, billing: the lines other than the keys' usage. Per export file, tax per account
(FOCUS) or invoice, a promotional credit, a support purchase and one goodwill adjustment
(`add_non_usage`); and the lines that cannot be mapped or read, plus a charge category outside
FOCUS's list (`add_unmapped_lines`), each recorded as a `Fault`. Takes the `_Builder` once the
keys' usage lines are placed; adds lines to its files. Draws from the builder's random stream
in a fixed order (the data must stay byte-identical for a seed).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from trueup_tools.pricing import COMMITMENT_METER, month_start, next_month
from trueup_tools.sample.billing_plan import _Builder, _cents
from trueup_tools.sample.billing_records import (
    CENT,
    INVOICE_TAX_RATE,
    MICRO,
    NONSTANDARD_CATEGORY,
    TAX_RATE,
    UNKNOWN_ACCOUNT,
    UNKNOWN_SKU,
    BillingLine,
    ExportFile,
    Fault,
    _days,
    _export_date,
    _midnight,
)
from trueup_tools.sample.billing_seeds import AccountMapping, SkuMapping
from trueup_tools.sample.usage_rules import Invalid


def invoice_id(system: str, account: str, period: date) -> str:
    """The invoice a line of `account` in `period` belongs to, as its system numbers them."""
    if system == "focus":
        return f"NIM-{period:%Y%m}-{account}"
    return f"INV-{period:%Y%m}-{account}"


def non_usage_line(
    system: str,
    account: str,
    category: str,
    amount: Decimal | Invalid,
    period: date,
    currency: str,
    description: str,
    invoice: str | None,
    has_sub_account: bool = True,
) -> BillingLine:
    """A month-long line without SKU or quantity (tax, credit, purchase, adjustment)."""
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
        invoice_id=invoice,
        description=description,
        has_sub_account=has_sub_account,
    )


# --------------------------------------------------------------------------- non-usage lines


def _tax_lines(
    b: _Builder, system: str, usage: list[BillingLine], accounts: list[str], period: date
) -> list[BillingLine]:
    """One tax line per account of the file (the category's spelling varies)."""
    lines = []
    for account in accounts:
        subtotal = sum(
            (line.amount for line in usage if line.account_id == account),  # type: ignore[misc]
            Decimal(0),
        )
        currency = next(line.currency for line in usage if line.account_id == account)
        if system == "focus":
            tax = (subtotal * TAX_RATE).quantize(MICRO)
            category = "tax" if b.rng.random() < 0.2 else "Tax"
        else:
            tax = (subtotal * INVOICE_TAX_RATE).quantize(CENT)
            category = "TAX" if b.rng.random() < 0.2 else "tax"
        lines.append(
            non_usage_line(
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
    return lines


def _credit_line(
    b: _Builder, system: str, usage: list[BillingLine], accounts: list[str], period: date
) -> BillingLine:
    """A promotional credit on a random account of the file."""
    account = b.rng.choice(accounts)
    currency = next(line.currency for line in usage if line.account_id == account)
    return non_usage_line(
        system,
        account,
        "Credit" if system == "focus" else "credit",
        -(Decimal(5) + _cents(b.rng, 0, 4_500)),
        period,
        currency,
        "Promotional credit, loyalty",
        invoice_id(system, account, period),
    )


def _focus_extras(
    b: _Builder, accounts: list[str], period: date, with_adjustment: bool
) -> list[BillingLine]:
    """A FOCUS file's support purchase and (once per data set) a goodwill adjustment without
    sub-account."""
    account = b.rng.choice(accounts)
    lines = [
        non_usage_line(
            "focus",
            account,
            "Purchase",
            Decimal("49.000000000000"),
            period,
            "USD",
            "Business support plan",
            invoice_id("focus", account, period),
        )
    ]
    if with_adjustment:
        lines.append(
            non_usage_line(
                "focus",
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
    return lines


def add_non_usage(b: _Builder) -> None:
    """Tax per account (FOCUS) or invoice, credits and purchases, one adjustment."""
    first_focus = True
    for (system, _export, _name), file in sorted(b.files.items(), key=lambda kv: kv[0]):
        usage = [line for line in file.lines if line.is_usage]
        accounts = sorted({line.account_id for line in usage})
        if not accounts:
            continue
        period = min(month_start(line.charge_start.date()) for line in usage)  # type: ignore[union-attr]
        file.lines.extend(_tax_lines(b, system, usage, accounts, period))
        if any(line.is_correction for line in usage):
            continue
        extra = [_credit_line(b, system, usage, accounts, period)]
        if system == "focus":
            extra.extend(_focus_extras(b, accounts, period, first_focus))
            first_focus = False
        file.lines.extend(extra)


# --------------------------------------------------------------------------- unmapped lines


def _special_file(b: _Builder, period: date) -> ExportFile:
    """The CSV FOCUS file of the period that holds the odd lines."""
    return b.file("focus", _export_date(period, 1, b.export_day), f"focus-{period:%Y-%m}-a")


def _odd_amount(b: _Builder) -> Decimal:
    """A random usage amount with 12 decimals."""
    return Decimal(b.rng.randint(1_000, 90_000)) / 100 + Decimal(b.rng.randrange(10**9)) * MICRO


def _odd_usage_line(
    b: _Builder, account: str, day: date, amount: Decimal | Invalid, sku_id: str
) -> BillingLine:
    """A one-day FOCUS usage line in USD (its quantity drawn after its amount)."""
    return BillingLine(
        source_system="focus",
        account_id=account,
        sku_id=sku_id,
        category="Usage",
        charge_start=_midnight(day),
        charge_end=_midnight(day + timedelta(days=1)),
        quantity=Decimal(b.rng.randint(1, 500)),
        amount=amount,
        currency="USD",
        billing_period_start=month_start(day),
        invoice_id=None,
        description="usage",
        unit="unit",
        has_sub_account=True,
    )


def _add_odd(
    b: _Builder, kind: str, line: BillingLine, period: date, reason: str | None, note: str = ""
) -> None:
    """Put an odd line into the period's special file and record its fault."""
    _special_file(b, period).lines.append(line)
    b.faults.append(Fault(kind, "focus", reason=reason, lines=[line], note=note))


def _unknown_sku_account(b: _Builder, tenants: list[str], day: date) -> AccountMapping | None:
    """The mapping on `day` of the first tenant billed through FOCUS, if any."""
    account = None
    for tenant in tenants:
        account = b.seeds.account_of(tenant, day)
        if account is not None and account.source_system == "focus":
            break
    return account


def _mapping_gap(b: _Builder) -> tuple[AccountMapping, date, list[date]] | None:
    """A FOCUS account and the first period with days none of its mappings covers (e.g.
    after it migrated), with those days."""
    seeds = b.seeds
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
                return a, period, invalid
    return None


def _unmapped_keys(b: _Builder, tenants: list[str], sku: SkuMapping) -> None:
    """An unknown account, an unknown SKU, and an account used on a day it is not mapped."""
    first = b.periods[0]
    line = _odd_usage_line(
        b, UNKNOWN_ACCOUNT, first + timedelta(days=4), _odd_amount(b), sku.sku_id
    )
    _add_odd(b, "unknown_account", line, first, "unknown_account")
    day = first + timedelta(days=20)
    account = _unknown_sku_account(b, tenants, day)
    if account is not None:
        line = _odd_usage_line(b, account.account_id, day, _odd_amount(b), UNKNOWN_SKU)
        _add_odd(b, "unknown_sku", line, first, "unknown_sku")
    else:
        b.skipped.append("unknown_sku")
    gap = _mapping_gap(b)
    if gap is None:
        b.skipped.append("no_account_mapping_on_date")
        return
    a, period, invalid = gap
    day = invalid[min(len(invalid) - 1, b.rng.randint(0, 9))]
    _add_odd(
        b,
        "no_account_mapping_on_date",
        _odd_usage_line(b, a.account_id, day, _odd_amount(b), sku.sku_id),
        period,
        "no_account_mapping_on_date",
        note=f"{a.account_id} is not mapped on {day.isoformat()}",
    )


def _unreadable_and_nonstandard(b: _Builder, tenants: list[str], sku: SkuMapping) -> None:
    """An unreadable amount and an unreadable date in the last period, and a charge category
    outside FOCUS's list in the first."""
    first, last = b.periods[0], b.periods[-1]
    tenant = tenants[0]
    account = b.seeds.account_of(tenant, last + timedelta(days=9)) or b.seeds.account_of(
        tenant, last
    )
    account_id = account.account_id if account else UNKNOWN_ACCOUNT
    line = _odd_usage_line(b, account_id, last + timedelta(days=9), Invalid("abc"), sku.sku_id)
    _add_odd(b, "unreadable_amount", line, last, "unreadable_amount")
    bad = _odd_usage_line(b, account_id, last + timedelta(days=11), _odd_amount(b), sku.sku_id)
    month_days = (next_month(last) - last).days
    bad.charge_start = Invalid(f"{last:%Y-%m}-{month_days + 1:02d}T00:00:00Z")
    _add_odd(b, "unreadable_date", bad, last, "unreadable_date")
    odd = non_usage_line(
        "focus",
        account_id,
        NONSTANDARD_CATEGORY,
        Decimal("-0.004999999999"),
        first,
        "USD",
        "Rounding difference",
        None,
    )
    _add_odd(
        b,
        "nonstandard_charge_category",
        odd,
        first,
        None,
        note="ChargeCategory outside FOCUS's allowed values: kept as non-usage",
    )


def add_unmapped_lines(b: _Builder) -> None:
    """Lines that cannot be mapped or read, and a charge category outside FOCUS's list (all
    skipped when no tenant is billed through FOCUS)."""
    seeds = b.seeds
    tenants = sorted({a.tenant_id for a in seeds.accounts if a.source_system == "focus"})
    if not tenants:
        b.skipped.extend(["unknown_account", "unknown_sku", "no_account_mapping_on_date"])
        b.skipped.extend(["unreadable_amount", "unreadable_date", "nonstandard_charge_category"])
        return
    sku = next(s for s in seeds.skus if s.source_system == "focus" and s.meter != COMMITMENT_METER)
    _unmapped_keys(b, tenants, sku)
    _unreadable_and_nonstandard(b, tenants, sku)
