"""End to end: the generator's FOCUS and invoice-line exports (derived from the usage ground
truth, with injected billing faults) -> dbt build -> the variance mart, the unmapped lines and
the per-file tie-out equal the billing ground truth computed independently in Python."""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal

from conftest import Dataset, Warehouse

STATUSES = {
    "no_contract",
    "unpriced_meter",
    "currency_mismatch",
    "missing_billing",
    "missing_usage",
    "matched",
    "auto_adjust",
    "needs_review",
}


def truth_rows(dataset: Dataset, name: str) -> list[dict[str, str]]:
    with (dataset.truth / name).open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_variance_equals_billing_truth(built: Warehouse, dataset: Dataset) -> None:
    expected = {
        (date.fromisoformat(r["period_start"]), r["tenant_id"], r["meter"]): (
            Decimal(r["metered_quantity"]),
            Decimal(r["expected_amount"]),
            Decimal(r["billed_amount"]),
            Decimal(r["billed_quantity"]),
            Decimal(r["amount_variance"]),
            Decimal(r["tolerance"]),
            r["status"],
        )
        for r in truth_rows(dataset, "billing_variance.csv")
    }
    rows = built.query(
        "select period_start, tenant_id, meter, metered_quantity, expected_amount, "
        "billed_amount, billed_quantity, amount_variance, tolerance, status "
        "from finance.fct_trueup_variance"
    )
    actual = {tuple(row[:3]): tuple(row[3:]) for row in rows}
    assert set(actual) == set(expected)
    for key, value in expected.items():
        assert actual[key] == value, key
    assert {row[-1] for row in rows} == STATUSES


def test_every_injected_fault_gets_its_status(built: Warehouse, dataset: Dataset) -> None:
    faults = json.loads((dataset.truth / "billing_faults.json").read_text())["faults"]
    statuses = {
        (str(period), tenant, meter): status
        for period, tenant, meter, status in built.query(
            "select period_start, tenant_id, meter, status from finance.fct_trueup_variance"
        )
    }
    checked = 0
    for fault in faults:
        if fault["expected_status"] and fault["period_start"]:
            key = (fault["period_start"], fault["tenant_id"], fault["meter"])
            assert statuses[key] == fault["expected_status"], fault
            checked += 1
    assert checked >= 8


def test_unmapped_lines_equal_truth(built: Warehouse, dataset: Dataset) -> None:
    expected = sorted(
        (r["source_file"], int(r["line_number"]), r["reason"])
        for r in truth_rows(dataset, "billing_unmapped.csv")
    )
    rows = built.query(
        "select source_file, line_number, unmapped_reason from ops.fct_billing_unmapped_lines"
    )
    assert sorted(rows) == expected
    assert {reason for _, _, reason in expected} == {
        "unknown_account",
        "unknown_sku",
        "no_account_mapping_on_date",
        "unreadable_amount",
        "unreadable_date",
    }


def test_every_export_file_ties_out(built: Warehouse, dataset: Dataset) -> None:
    expected = {
        r["source_file"]: (
            Decimal(r["total"]),
            Decimal(r["reconciled_usage"]),
            Decimal(r["non_usage"]),
            Decimal(r["unmapped"]),
        )
        for r in truth_rows(dataset, "billing_tieout.csv")
    }
    rows = built.query(
        "select source_file, total_amount, reconciled_usage_amount, non_usage_amount, "
        "unmapped_amount, difference from ops.fct_billing_tieout"
    )
    assert {row[0]: tuple(row[1:5]) for row in rows} == expected
    assert all(row[5] == 0 for row in rows)


def test_late_correction_counts_for_its_original_month(built: Warehouse) -> None:
    corrections = built.query(
        "select period_start, export_date from intermediate.int_billing_lines_mapped "
        "where is_correction and bucket = 'reconciled_usage'"
    )
    assert corrections
    assert all(export_date.month != period.month for period, export_date in corrections)
    billed = built.query(
        "select count(*) from finance.fct_billed_charges where correction_line_count > 0"
    )
    assert billed[0][0] > 0


def test_exports_are_visible_from_their_export_date(
    dataset: Dataset, fresh_warehouse: Warehouse
) -> None:
    fresh_warehouse.build("2026-10-02 23:59:59")
    dates = {d for (d,) in fresh_warehouse.query("select export_date from ops.fct_billing_tieout")}
    assert dates and max(dates) <= date(2026, 10, 2)
    truth_dates = {
        date.fromisoformat(r["source_file"].split("export_date=")[1][:10])
        for r in truth_rows(dataset, "billing_tieout.csv")
    }
    assert {d for d in truth_dates if d <= date(2026, 10, 2)} == dates
