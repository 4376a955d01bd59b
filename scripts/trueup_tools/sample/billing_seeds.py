"""The billing seeds the billing stages read (account and SKU mappings, tolerances, with the
contracts and rate cards from `trueup_tools.pricing`): `load_billing_seeds(seeds_dir)`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from pathlib import Path

from trueup_tools.pricing import (
    DEFAULT_SEEDS_DIR,
    Version,
    load_rate_cards,
    load_versions,
    next_month,
)


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
