"""What a field's value may be (issue 18, items 2, 11, 12 and 19), end to end on small
hand-written landing files: timestamps outside the accepted time range, impossible UTC offsets,
identifiers made only of white space, and quantities beyond the supported range. Each build
must succeed, quarantine exactly the bad records with their reason, and conserve every record
(raw = accepted + removed duplicates + quarantined, per file and in total)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import Warehouse
from hostile import AS_OF, INGESTED_AT, assert_conserved, flat_event, jsonl, land, quarantine


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    landing = tmp_path / "landing"
    (landing / "usage").mkdir(parents=True)
    return Warehouse(path=tmp_path / "trueup.duckdb", landing=landing)


def reasons_by_line(warehouse: Warehouse, source_file: str) -> dict[int, str]:
    return {line: reason for file, line, reason in quarantine(warehouse) if file == source_file}


def test_impossible_utc_offsets_are_invalid_timestamps(warehouse: Warehouse) -> None:
    good = {
        1: "2026-09-10T23:30:00+02:00",  # 21:30 UTC, 2026-09-10
        2: "2026-09-10T23:30:00-0130",  # 2026-09-11 01:00 UTC
        3: "2026-09-10T23:30:00+23:59",  # the largest offset RFC 3339 allows
        4: "2026-09-10T23:30:00-00:00",
        5: "2026-09-10T23:30:00+05",
    }
    bad = [
        "2026-09-10T23:30:00+25:00",
        "2026-09-10T23:30:00-99:00",
        "2026-09-10T23:30:00+05:75",
        "2026-09-10T23:30:00+0560",
        "2026-09-10T23:30:00+24",
        "2026-09-10T24:00:00Z",
        "2026-09-10T23:60:00Z",
        "2026-13-10T10:00:00Z",
        "2026-09-10T23:30:00+02:00:00",
    ]
    later = "2026-09-12T00:00:00Z"  # ingested after every event: no clock-skew correction
    records = [flat_event(f"ok-{n}", event_ts=ts, ingested_at=later) for n, ts in good.items()]
    records += [flat_event(f"bad-{n}", event_ts=ts, ingested_at=later) for n, ts in enumerate(bad)]
    records.append(flat_event("bad-ingested", ingested_at="2026-09-10T12:01:00+25:00"))
    land(warehouse.landing, "usage/day1/offsets.jsonl", jsonl(*records))
    warehouse.build(AS_OF)

    expected_bad = {line: "invalid_timestamp" for line in range(len(good) + 1, len(records) + 1)}
    assert reasons_by_line(warehouse, "usage/day1/offsets.jsonl") == expected_bad
    days = warehouse.query(
        "select event_id, cast(event_at as varchar) from intermediate.int_usage_records_classified"
        " where quarantine_reason is null order by event_id"
    )
    assert days == [
        ("ok-1", "2026-09-10 21:30:00"),
        ("ok-2", "2026-09-11 01:00:00"),
        ("ok-3", "2026-09-09 23:31:00"),
        ("ok-4", "2026-09-10 23:30:00"),
        ("ok-5", "2026-09-10 18:30:00"),
    ]
    assert_conserved(warehouse, {"usage/day1/offsets.jsonl": len(records)})


INVOICE_HEADER = (
    "invoice_id,line_id,customer_id,price_id,period_start,period_end,quantity,amount,"
    "currency,line_type\n"
)


def test_billing_timestamps_with_impossible_offsets_or_out_of_range_are_unmapped(
    warehouse: Warehouse,
) -> None:
    land(warehouse.landing, "usage/day1/one.jsonl", jsonl(flat_event("e-1")))
    rows = [
        "inv-1,1,cus_0005,price_compute_hours,2026-09-01T00:00:00Z,2026-10-01T00:00:00Z,5,10.00,USD,usage",
        "inv-1,2,cus_0005,price_compute_hours,2026-09-01T00:00:00+25:00,2026-10-01T00:00:00Z,5,20.00,USD,usage",
        "inv-1,3,cus_0005,price_compute_hours,2026-09-01T00:00:00+02:61,2026-10-01T00:00:00Z,5,30.00,USD,usage",
        "inv-1,4,cus_0005,price_compute_hours,1900-09-01,1900-10-01,5,40.00,USD,usage",
        "inv-1,5,cus_0005,price_compute_hours,2026-09-01T00:00:00+02:00,2026-10-01T00:00:00Z,5,50.00,USD,usage",
    ]
    land(
        warehouse.landing,
        "billing/invoice_lines/export_date=2026-10-05/invoices.csv",
        (INVOICE_HEADER + "\n".join(rows) + "\n").encode(),
    )
    warehouse.build(AS_OF)
    unmapped = warehouse.query(
        "select line_number, unmapped_reason from ops.fct_billing_unmapped_lines order by 1"
    )
    assert unmapped == [(2, "unreadable_date"), (3, "unreadable_date"), (4, "unreadable_date")]
    billed = warehouse.query(
        "select cast(period_start as varchar), billed_amount from finance.fct_billed_charges"
        " where tenant_id = 'tenant-005'"
    )
    # line 5 starts at 2026-08-31 22:00 UTC: August
    assert sorted(billed) == [("2026-08-01", Decimal("50")), ("2026-09-01", Decimal("10"))]
    tieout = warehouse.query("select count(*), sum(abs(difference)) from ops.fct_billing_tieout")
    assert tieout == [(1, Decimal("0"))]
    assert_conserved(warehouse, {"usage/day1/one.jsonl": 1})


BLANKS = ["\t", "\n", "\r", "\x0b", "\x0c", " \t\r\n ", "\u00a0", "\u2003", "\u3000", "\u202f"]


def test_identifiers_of_any_white_space_are_missing_in_jsonl(warehouse: Warehouse) -> None:
    records = [flat_event(f"blank-{n}", tenant_id=blank) for n, blank in enumerate(BLANKS)]
    records += [
        flat_event("padded", tenant_id="\u3000\ttenant-001\u00a0\n"),
        flat_event("\u2003", tenant_id="tenant-001"),  # a blank event_id
        flat_event("blank-producer", producer="\u00a0\x0c"),
        flat_event("blank-meter", meter="\u2003"),
        flat_event("zero-width", tenant_id="\u200b"),  # not white space: kept, a tenant
    ]
    land(warehouse.landing, "usage/day1/blanks.jsonl", jsonl(*records))
    warehouse.build(AS_OF)
    n = len(BLANKS)
    expected = {line: "missing_tenant" for line in range(1, n + 1)}
    expected.update({n + 2: "missing_event_id", n + 3: "missing_event_id", n + 4: "unknown_meter"})
    assert reasons_by_line(warehouse, "usage/day1/blanks.jsonl") == expected
    tenants = warehouse.query(
        "select event_id, tenant_id from intermediate.int_usage_records_classified"
        " where quarantine_reason is null order by 1"
    )
    assert tenants == [("padded", "tenant-001"), ("zero-width", "\u200b")]
    assert_conserved(warehouse, {"usage/day1/blanks.jsonl": len(records)})


def test_identifiers_of_any_white_space_are_missing_in_parquet(warehouse: Warehouse) -> None:
    path = warehouse.landing / "usage/day1/blanks.parquet"
    path.parent.mkdir(parents=True)
    tenants = [*BLANKS, "\u3000 tenant-001\t"]
    con = duckdb.connect()
    con.execute(
        "create table events (event_id varchar, producer varchar, tenant_id varchar,"
        " meter varchar, quantity decimal(18, 9), event_ts varchar, ingested_at varchar)"
    )
    for n, tenant in enumerate(tenants):
        con.execute(
            "insert into events values (?, 'api-gw-eu', ?, 'api_requests', 1, ?, ?)",
            [f"pq-{n}", tenant, "2026-09-10T12:00:00Z", INGESTED_AT],
        )
    con.execute(f"copy events to '{path}' (format parquet)")
    con.close()
    warehouse.build(AS_OF)
    expected = {line: "missing_tenant" for line in range(1, len(BLANKS) + 1)}
    assert reasons_by_line(warehouse, "usage/day1/blanks.parquet") == expected
    accepted = warehouse.query(
        "select event_id, tenant_id from intermediate.int_usage_records_classified"
        " where quarantine_reason is null"
    )
    assert accepted == [(f"pq-{len(BLANKS)}", "tenant-001")]
    assert_conserved(warehouse, {"usage/day1/blanks.parquet": len(tenants)})


def test_timestamps_outside_the_accepted_range_are_quarantined(warehouse: Warehouse) -> None:
    records = [
        flat_event("e-1900", event_ts="1900-01-01T00:00:00Z"),
        flat_event("e-1999", event_ts="1999-12-31T23:59:59.999999Z"),
        flat_event("i-1900", event_ts="1900-01-01T00:00:00Z", ingested_at="1900-01-01T00:01:00Z"),
        flat_event("e-2150", event_ts="2150-01-01T00:00:00Z"),  # not a clock skew to correct
        flat_event("e-2000", event_ts="2000-01-01T00:00:00Z", meter="compute_hours"),
        flat_event("ok", meter="compute_hours", quantity="2.5"),
        # an ingestion clock later than the load of its file cannot be right
        flat_event("i-2099", ingested_at="2099-06-01T00:00:00Z"),
    ]
    land(warehouse.landing, "usage/day1/range.jsonl", jsonl(*records))
    warehouse.build(AS_OF)  # the 1900 event no longer fails the time-spine test
    assert reasons_by_line(warehouse, "usage/day1/range.jsonl") == {
        1: "timestamp_out_of_range",
        2: "timestamp_out_of_range",
        3: "timestamp_out_of_range",
        4: "timestamp_out_of_range",
        # an ingestion time after the load of its file cannot be true: unreadable, so the
        # record is quarantined now (visible at every as_of), not kept out of sight until 2099
        7: "invalid_timestamp",
    }
    periods = warehouse.query(
        "select min(period_start), count(*) from intermediate.int_periods_reported"
    )
    assert str(periods[0][0]) == "2000-01-01"
    daily = warehouse.query(
        "select cast(usage_date as varchar), quantity from finance.fct_usage_daily"
        " where meter = 'compute_hours' order by 1"
    )
    assert daily == [("2000-01-01", Decimal("1")), ("2026-09-10", Decimal("2.5"))]
    assert_conserved(warehouse, {"usage/day1/range.jsonl": len(records)})
    # the spine covers the whole accepted range
    spine = warehouse.query(
        "select cast(min(date_day) as varchar), cast(max(date_day) as varchar), count(*)"
        " from semantic.metricflow_time_spine"
    )
    assert spine == [("2000-01-01", "2099-12-31", 36525)]


TOP = "999999999999999.999999999"  # the largest supported quantity


def test_quantities_beyond_the_supported_range_are_invalid(warehouse: Warehouse) -> None:
    records = [
        flat_event("big-1", meter="compute_hours", quantity=6e28),
        flat_event("big-2", meter="compute_hours", quantity="6e28"),
        flat_event("bound", meter="compute_hours", quantity="1000000000000000"),
        flat_event("weighted", meter="compute_hours", quantity="100000000000000", sample_rate=0.01),
        flat_event("count-weighted", meter="api_requests", quantity=..., sample_rate="1e-16"),
        flat_event("max-big", meter="storage_gb", quantity="1e16"),
        flat_event("bad-rate-big", meter="compute_hours", quantity="1e16", sample_rate=0),
        # accepted: the largest quantity, the generator's 18-digit stress values, a max meter
        # whose sample rate does not weight it, a count meter at the largest weight
        # (tenant-900 has no contract: its usage is not priced, see the next test)
        flat_event("top", tenant_id="tenant-900", meter="compute_hours", quantity=TOP),
        flat_event("top-2", tenant_id="tenant-900", meter="compute_hours", quantity=TOP),
        flat_event("stress", meter="egress_gb", quantity="123456789.123456789"),
        flat_event("stress-w", meter="egress_gb", quantity="987654321.987654321", sample_rate=0.5),
        flat_event("max-rate", meter="storage_gb", quantity="500000000000000", sample_rate=1e-6),
        flat_event("count-top", meter="api_requests", quantity=..., sample_rate="1e-14"),
        flat_event("bad-rate", meter="compute_hours", quantity="5", sample_rate=0),
    ]
    land(warehouse.landing, "usage/day1/quantities.jsonl", jsonl(*records))
    warehouse.build(AS_OF)
    assert reasons_by_line(warehouse, "usage/day1/quantities.jsonl") == {
        **{line: "invalid_quantity" for line in range(1, 8)},
        14: "invalid_sample_rate",
    }
    daily = warehouse.query(
        "select tenant_id, meter, quantity, event_count from finance.fct_usage_daily order by 1, 2"
    )
    assert daily == [
        ("tenant-001", "api_requests", Decimal("100000000000000"), 1),
        ("tenant-001", "egress_gb", Decimal("2098765433.098765431"), 2),
        ("tenant-001", "storage_gb", Decimal("500000000000000"), 1),
        ("tenant-900", "compute_hours", Decimal("1999999999999999.999999998"), 2),
    ]
    statuses = warehouse.query(
        "select tenant_id, meter, status from finance.fct_trueup_variance"
        " where tenant_id = 'tenant-900'"
    )
    assert statuses == [("tenant-900", "compute_hours", "no_contract")]
    assert_conserved(warehouse, {"usage/day1/quantities.jsonl": len(records)})


def test_an_amount_beyond_the_supported_range_stops_the_build_naming_the_key(
    warehouse: Warehouse,
) -> None:
    # two valid quantities: their sum priced at tenant-001's compute_hours rate passes 10^14
    records = [
        flat_event("top", meter="compute_hours", quantity=TOP),
        flat_event("top-2", meter="compute_hours", quantity=TOP),
        flat_event("small", meter="egress_gb", quantity="3"),
    ]
    land(warehouse.landing, "usage/day1/quantities.jsonl", jsonl(*records))
    result = warehouse.dbt("build", as_of=AS_OF)
    assert not result.success
    message = " ".join(result.failures())
    assert "Overflow" not in message
    assert (
        "the expected amount of tenant tenant-001, meter compute_hours, period 2026-09-01"
        " (contract C-1001 version 1, quantity 1999999999999999.999999998) reaches the"
        " supported bound of 10^14" in message
    ), message
    # the usage itself was accepted and rolled up before pricing stopped
    daily = warehouse.query(
        "select meter, quantity from finance.fct_usage_daily where meter = 'compute_hours'"
    )
    assert daily == [("compute_hours", Decimal("1999999999999999.999999998"))]
    assert_conserved(warehouse, {"usage/day1/quantities.jsonl": len(records)})
