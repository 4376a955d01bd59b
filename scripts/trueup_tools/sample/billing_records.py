"""The billing data's vocabulary: export systems, categories, variance statuses (`STATUSES`,
the seed's list in precedence order), fault kinds, the export columns, and the logical
`BillingLine` / `ExportFile` / `Fault` / `BillingData` every billing stage passes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_DOWN, Decimal, localcontext
from random import Random
from typing import Any

from trueup_tools.pricing import (
    next_month,
)
from trueup_tools.sample.usage_rules import Invalid
from trueup_tools.vocabulary import reason_names, status_names

SOURCE_SYSTEMS: tuple[str, ...] = ("focus", "invoice_lines")


FOCUS_CATEGORIES: tuple[str, ...] = ("usage", "purchase", "tax", "credit", "adjustment")


INVOICE_LINE_TYPES: tuple[str, ...] = ("usage", "correction", "tax", "credit")


STATUSES: tuple[str, ...] = status_names()
"""Variance statuses in precedence order (the first that applies wins): the names of the seed
`variance_statuses`, the one list the models and the tests read too. Which status a key gets
is decided by the billing truth's own rules, not by the seed."""


NOT_GENERATED_REASONS = frozenset({"value_out_of_range", "unreadable_quantity"})
"""Unmapped reasons the sample data never injects (the hostile-input tests land them by hand)."""


UNMAPPED_REASONS: tuple[str, ...] = tuple(
    reason for reason in reason_names("billing") if reason not in NOT_GENERATED_REASONS
)
"""Why a generated line is unmapped, in the order they are checked: the billing rows of the
seed `quarantine_reasons` (less NOT_GENERATED_REASONS)."""


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
