"""End to end: fct_expected_charges of the sample data equals an independent Python pricing
of the generator's ground-truth usage under the shipped contract seeds (SPEC §3 Pricing)."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from conftest import Dataset, Warehouse
from pricing_reference import Line, Tier, price, round_half_away
from trueup_tools import PROJECT_DIR


@dataclass(frozen=True)
class Version:
    contract_id: str
    tenant_id: str
    version: int
    start: date
    end: date | None
    currency: str
    discount: Decimal
    commitment: Decimal | None


def _optional(text: str) -> Decimal | None:
    return Decimal(text) if text.strip() else None


def load_versions() -> list[Version]:
    with (PROJECT_DIR / "seeds" / "contracts.csv").open() as handle:
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
            for row in csv.DictReader(handle)
        ]


def load_rate_cards() -> dict[tuple[str, int], dict[str, list[dict]]]:
    cards: dict[tuple[str, int], dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    with (PROJECT_DIR / "seeds" / "contract_rates.csv").open() as handle:
        for row in csv.DictReader(handle):
            cards[(row["contract_id"], int(row["contract_version"]))][row["meter"]].append(row)
    return cards


def load_aggregations() -> dict[str, str]:
    with (PROJECT_DIR / "seeds" / "meters.csv").open() as handle:
        return {row["meter"]: row["aggregation"] for row in csv.DictReader(handle)}


def load_daily(dataset: Dataset) -> dict[tuple[str, str], list[tuple[date, Decimal]]]:
    daily: dict[tuple[str, str], list[tuple[date, Decimal]]] = defaultdict(list)
    with (dataset.truth / "usage_daily.csv").open() as handle:
        for row in csv.DictReader(handle):
            key = (row["tenant_id"], row["meter"])
            daily[key].append((date.fromisoformat(row["usage_date"]), Decimal(row["quantity"])))
    return daily


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def expected_lines(dataset: Dataset) -> dict[tuple, tuple]:
    """Key (period, tenant, meter, contract, version) -> (quantity, amount, expected)."""
    daily = load_daily(dataset)
    aggregations = load_aggregations()
    cards = load_rate_cards()
    first = min(day for days in daily.values() for day, _ in days).replace(day=1)
    last = datetime.fromisoformat(dataset.as_of).date().replace(day=1)
    lines: dict[tuple, tuple] = {}
    period = first
    while period <= last:
        period_end = next_month(period)
        period_days = (period_end - period).days
        commitments: dict[str, list] = defaultdict(lambda: [Fraction(0), False, 0, ""])
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for v in load_versions():
            if not (v.start < period_end and (v.end is None or v.end > period)):
                continue
            start, end = max(period, v.start), min(period_end, v.end or period_end)
            days = (end - start).days
            for meter, rows in cards[(v.contract_id, v.version)].items():
                values = [q for d, q in daily[(v.tenant_id, meter)] if start <= d < end]
                quantity = (
                    (max(values) if values else Decimal(0))
                    if aggregations[meter] == "max"
                    else sum(values, Decimal(0))
                )
                rows = sorted(rows, key=lambda r: int(r["tier"]))
                line = Line(
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
                exact, amount = price(line)
                key = (period, v.tenant_id, meter, v.contract_id, v.version)
                lines[key] = (quantity, round_half_away(exact, 18), amount)
                totals[v.contract_id] += amount
            entry = commitments[v.contract_id]
            if v.commitment is not None:
                entry[0] += Fraction(v.commitment) * days / period_days
                entry[1] = True
            entry[2] = max(entry[2], v.version)
            entry[3] = v.tenant_id
        for contract_id, (commitment, has_commitment, version, tenant) in commitments.items():
            shortfall = commitment - Fraction(totals[contract_id])
            if has_commitment and round_half_away(shortfall, 2) > 0:
                key = (period, tenant, "commitment_true_up", contract_id, version)
                lines[key] = (
                    Decimal(0),
                    round_half_away(shortfall, 18),
                    round_half_away(shortfall, 2),
                )
        period = period_end
    return lines


def test_expected_charges_equal_independent_pricing(built: Warehouse, dataset: Dataset) -> None:
    rows = built.query(
        "select period_start, tenant_id, meter, contract_id, contract_version, quantity, "
        "amount_before_discount, expected_amount from finance.fct_expected_charges"
    )
    actual = {tuple(row[:5]): tuple(row[5:]) for row in rows}
    expected = expected_lines(dataset)
    assert len(actual) == len(rows)
    assert set(actual) == set(expected)
    for key, value in expected.items():
        assert actual[key] == value, key


def test_sample_contracts_cover_the_pricing_features(built: Warehouse) -> None:
    models = {
        m for (m,) in built.query("select distinct pricing_model from finance.fct_expected_charges")
    }
    assert {"per_unit", "graduated", "volume", "package"} <= models
    assert (
        built.query(
            "select count(*) from finance.fct_expected_charges "
            "where line_type = 'commitment_true_up'"
        )[0][0]
        > 0
    )
    assert (
        built.query(
            "select count(*) from finance.fct_expected_charges "
            "where segment_start > period_start or segment_end < period_start + interval 1 month"
        )[0][0]
        > 0
    ), "a mid-month change or start splits some month"
    assert (
        built.query("select count(*) from finance.fct_expected_charges where discount_pct > 0")[0][
            0
        ]
        > 0
    )
    statuses = {
        s
        for (s,) in built.query(
            "select distinct unpriced_status from intermediate.int_usage_unpriced"
        )
    }
    assert statuses == {"no_contract", "unpriced_meter"}
