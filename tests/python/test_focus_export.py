"""A FOCUS export shaped like real provider output (written by hand from the FOCUS 1.0 column
definitions: ~40 columns, vendor x_ columns, JSON tags, NULL/None/NA/N/A tokens, lower-case
currencies, 12-15 decimal costs, timestamps with and without zone, a category outside the
allowed list, no InvoiceId column) goes through staging without losing a line, and its
totals tie out per provider and per sub-account against sums computed here in Decimal."""

from __future__ import annotations

import csv
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import Warehouse

FIXTURE = Path(__file__).parent / "fixtures" / "focus_provider_export.csv"
NULL_TOKENS = {"", "NULL", "NONE", "NA", "N/A"}


def _value(text: str | None) -> str | None:
    return None if text is None or text.strip().upper() in NULL_TOKENS else text.strip()


def expected_totals() -> tuple[dict[str, Decimal], dict[str, Decimal], Decimal, int]:
    """Σ BilledCost per provider and per sub-account (SubAccountId, else BillingAccountId)."""
    by_provider: dict[str, Decimal] = defaultdict(Decimal)
    by_account: dict[str, Decimal] = defaultdict(Decimal)
    total, rows = Decimal(0), 0
    with FIXTURE.open(newline="") as handle:
        for row in csv.DictReader(handle):
            rows += 1
            cost = Decimal(row["BilledCost"])
            by_provider[row["ProviderName"]] += cost
            account = _value(row["SubAccountId"]) or row["BillingAccountId"]
            by_account[account] += cost
            total += cost
    return dict(by_provider), dict(by_account), total, rows


@pytest.fixture(scope="module")
def provider_build(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    root = tmp_path_factory.mktemp("focus")
    folder = root / "landing" / "billing" / "focus" / "export_date=2026-09-03"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURE, folder / "cloud-provider-2026-08.csv")
    warehouse = Warehouse(root / "w.duckdb", root / "landing")
    warehouse.build("2026-09-30")
    return warehouse


def test_every_line_is_staged(provider_build: Warehouse) -> None:
    _, _, _, rows = expected_totals()
    assert provider_build.query("select count(*) from staging.stg_billing__focus_lines") == [
        (rows,)
    ]


def test_totals_tie_out_per_provider(provider_build: Warehouse) -> None:
    by_provider, _, _, _ = expected_totals()
    rows = provider_build.query(
        "select provider_name, sum(billed_cost) from staging.stg_billing__focus_lines group by 1"
    )
    assert dict(rows) == by_provider


def test_totals_tie_out_per_sub_account(provider_build: Warehouse) -> None:
    _, by_account, _, _ = expected_totals()
    rows = provider_build.query(
        "select provider_account_id, sum(billed_cost) "
        "from staging.stg_billing__focus_lines group by 1"
    )
    assert dict(rows) == by_account


def test_file_ties_out_to_reconciled_non_usage_and_unmapped(provider_build: Warehouse) -> None:
    _, _, total, _ = expected_totals()
    [(file_total, reconciled, non_usage, unmapped, difference)] = provider_build.query(
        "select total_amount, reconciled_usage_amount, non_usage_amount, unmapped_amount, "
        "difference from ops.fct_billing_tieout"
    )
    assert file_total == total
    assert difference == 0
    assert reconciled + non_usage + unmapped == total
    assert reconciled > 0 and non_usage != 0 and unmapped > 0


def test_messy_values_are_read_and_flagged(provider_build: Warehouse) -> None:
    rows = provider_build.query(
        "select line_number, currency, is_usage_line, is_correction, is_nonstandard_value, "
        "charge_period_start from staging.stg_billing__focus_lines order by line_number"
    )
    by_line = {row[0]: row[1:] for row in rows}
    assert {row[1] for row in rows} == {"USD", "EUR"}  # lower-case codes read
    assert by_line[7][1:3] == (True, True)  # 'usage' + Correction, any case
    assert by_line[8][3] is True  # 'Refund' is not a FOCUS category: kept, flagged
    assert str(by_line[3][4]) == "2026-08-29 22:00:00"  # +02:00 converted to UTC
    assert str(by_line[2][4]) == "2026-08-02 00:00:00"  # no zone = UTC
    unmapped = dict(
        provider_build.query(
            "select line_number, unmapped_reason from ops.fct_billing_unmapped_lines"
        )
    )
    # line 3 has no SubAccountId: its BillingAccountId (the payer) is not a mapped account
    assert unmapped == {
        3: "unknown_account",
        9: "unknown_account",
        10: "unknown_account",
        11: "unknown_account",
    }


def test_missing_required_column_names_file_and_column(tmp_path: Path) -> None:
    folder = tmp_path / "landing" / "billing" / "focus" / "export_date=2026-09-03"
    folder.mkdir(parents=True)
    with FIXTURE.open(newline="") as source, (folder / "no-cost.csv").open("w", newline="") as out:
        reader = csv.DictReader(source)
        fields = [f for f in reader.fieldnames or [] if f != "BilledCost"]
        writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(reader)
    result = Warehouse(tmp_path / "w.duckdb", tmp_path / "landing").dbt("build", as_of="2026-09-30")
    assert not result.success
    message = " ".join(result.failures())
    assert "billing/focus/export_date=2026-09-03/no-cost.csv has no column BilledCost" in message
