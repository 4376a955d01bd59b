"""Billing lines beyond the supported range (issue 18, item 19, billing exports): an amount or
quantity of 10^15 or more, or a quantity that reaches 10^14 after its SKU's quantity_factor, is
`value_out_of_range` in ops.fct_billing_unmapped_lines; sums never overflow, every export ties out
and a normal line beside the huge ones is billed exactly."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from conftest import Warehouse
from hostile import AS_OF, FOCUS_HEADER, INVOICE_HEADER, land

FOCUS_FILE = "billing/focus/export_date=2026-10-03/focus-2026-09.csv"
INVOICE_FILE = "billing/invoice_lines/export_date=2026-10-03/lines-2026-09.csv"


def focus_line(cost: str, quantity: str, category: str = "Usage") -> str:
    """One line of tenant-001 (acct-1001), SKU-API-1K (api_requests, factor 1000), 2026-09."""
    return (
        f"payer-1,acct-1001,2026-09-01T00:00:00Z,2026-10-01T00:00:00Z,{category},{cost},USD,"
        f"SKU-API-1K,{quantity}"
    )


def invoice_line(line_id: str, quantity: str, amount: str, line_type: str = "usage") -> str:
    """One line of tenant-005 (cus_0005), price_compute_hours (compute_hours, factor 1), 2026-09."""
    return (
        f"inv-2026-09-0005,{line_id},cus_0005,price_compute_hours,2026-09-01,2026-10-01,"
        f"{quantity},{amount},USD,{line_type}"
    )


def export(header: str, lines: list[str]) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def test_huge_billing_lines_are_out_of_range_and_every_export_ties_out(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    focus = [
        focus_line("12.345678901234567", "0.012345678901234"),  # the normal line
        focus_line("90000000000000000000000", "1"),  # 9e22: two of them overflowed SUM
        focus_line("9e22", "1"),
        focus_line("1000000000000000", "1"),  # exactly 10^15: out of range
        focus_line("-1e15", "1"),
        focus_line("5", "1e30"),  # a quantity too large to read at all
        focus_line("5", "1000000000000000"),  # 10^15 before the factor
        focus_line("5", "100000000000"),  # 10^11 times 1000 = 10^14 after the factor
        focus_line("7", "1e400", category="Tax"),  # any line, usage or not
    ]
    invoices = [
        invoice_line("l-1", "2.5", "0.000000000000001"),  # the normal line
        invoice_line("l-2", "1", "99999999999999999999999"),
        invoice_line("l-3", "1", "-99999999999999999999999"),
        invoice_line("l-4", "100000000000000", "3"),  # 10^14 times 1: out of range
        invoice_line("l-5", "99999999999999.999999999999999", "4"),  # just below: billed
        invoice_line("l-6", "1", "999999999999999.999999999999999", line_type="tax"),
        invoice_line("l-7", "1", "abc"),  # not a number: unreadable_amount as before
    ]
    land(landing, FOCUS_FILE, export(FOCUS_HEADER, focus))
    land(landing, INVOICE_FILE, export(INVOICE_HEADER, invoices))
    warehouse = Warehouse(tmp_path / "w.duckdb", landing)
    warehouse.build(AS_OF)

    unmapped = warehouse.query(
        "select source_file, line_number, unmapped_reason from ops.fct_billing_unmapped_lines"
    )
    reasons = {(file, line): reason for file, line, reason in unmapped}
    assert reasons == {  # line_number counts the lines after the header
        **{(FOCUS_FILE, n): "value_out_of_range" for n in range(2, 10)},
        **{(INVOICE_FILE, n): "value_out_of_range" for n in (2, 3, 4)},
        (INVOICE_FILE, 7): "unreadable_amount",
    }

    # Conservation: every line written is in exactly one bucket, per file and in total.
    buckets = warehouse.query(
        "select source_file, bucket, count(*) from intermediate.int_billing_lines_mapped"
        " group by source_file, bucket"
    )
    per_file: dict[str, int] = {}
    for file, _, count in buckets:
        per_file[file] = per_file.get(file, 0) + count
    assert per_file == {FOCUS_FILE: len(focus), INVOICE_FILE: len(invoices)}
    assert "non_usage" in {b for f, b, _ in buckets if f == INVOICE_FILE}

    tieout = {
        row[0]: row[1:]
        for row in warehouse.query(
            "select source_file, line_count, total_amount, reconciled_usage_amount,"
            " non_usage_amount, unmapped_amount, unmapped_lines, unreadable_amount_lines,"
            " difference from ops.fct_billing_tieout"
        )
    }
    # Readable in-range amounts make the total; a line out of range counts as unmapped with no
    # amount (like an unreadable one), a readable amount of a line whose quantity is out of
    # range counts as unmapped with its amount.
    assert tieout[FOCUS_FILE] == (
        9,
        Decimal("12.345678901234567") + 5 + 5 + 5 + 7,
        Decimal("12.345678901234567"),
        Decimal(0),
        Decimal(5 + 5 + 5 + 7),
        8,
        4,
        Decimal(0),
    )
    assert tieout[INVOICE_FILE] == (
        7,
        Decimal("0.000000000000001") + 3 + 4 + Decimal("999999999999999.999999999999999"),
        Decimal("0.000000000000001") + 4,
        Decimal("999999999999999.999999999999999"),
        Decimal(3),
        4,
        3,
        Decimal(0),
    )

    billed = {
        (tenant, meter): (quantity, amount, lines)
        for tenant, meter, quantity, amount, lines in warehouse.query(
            "select tenant_id, meter, billed_quantity, billed_amount, line_count"
            " from finance.fct_billed_charges where period_start = date '2026-09-01'"
        )
    }
    assert billed == {
        ("tenant-001", "api_requests"): (
            Decimal("12.345678901234"),
            Decimal("12.345678901234567"),
            1,
        ),
        ("tenant-005", "compute_hours"): (
            Decimal("100000000000002.499999999999999"),  # 2.5 + 99999999999999.999999999999999
            Decimal("4.000000000000001"),
            2,
        ),
    }


def test_an_unreadable_usage_quantity_is_unmapped_not_reconciled(tmp_path: Path) -> None:
    """A usage line whose quantity is present but not a number cannot be reconciled against the
    meters: it is unmapped (`unreadable_quantity`) with its amount, never billed with a NULL
    quantity; an empty quantity (a null) and any quantity on a non-usage line are fine."""
    landing = tmp_path / "landing"
    focus = [
        focus_line("10", "0.5"),  # billed: 500 api_requests
        focus_line("20", "abc"),  # unreadable quantity: unmapped with its 20
        focus_line("30", "NULL"),  # a null quantity: billed, counting no quantity
        focus_line("40", "1.2.3", category="Tax"),  # non-usage: the quantity is not used
    ]
    land(landing, FOCUS_FILE, export(FOCUS_HEADER, focus))
    warehouse = Warehouse(tmp_path / "w.duckdb", landing)
    warehouse.build(AS_OF)

    assert warehouse.query(
        "select line_number, unmapped_reason, amount from ops.fct_billing_unmapped_lines"
    ) == [(2, "unreadable_quantity", Decimal(20))]
    assert warehouse.query(
        "select line_count, total_amount, reconciled_usage_amount, non_usage_amount,"
        " unmapped_amount, difference from ops.fct_billing_tieout"
    ) == [(4, Decimal(100), Decimal(40), Decimal(40), Decimal(20), Decimal(0))]
    assert warehouse.query(
        "select billed_quantity, billed_amount, line_count from finance.fct_billed_charges"
        " where tenant_id = 'tenant-001' and meter = 'api_requests'"
    ) == [(Decimal(500), Decimal(40), 2)]
