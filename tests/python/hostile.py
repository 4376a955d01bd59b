"""Helpers for the hostile-input tests: small hand-written landing files, a build over them, and
the conservation check (raw records = accepted + removed duplicates + quarantined) per file and
in total, against counts the test states from the files it wrote."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import Warehouse

# A day well inside the sample period, a build long after it (every record visible).
EVENT_TS = "2026-09-10T12:00:00Z"
INGESTED_AT = "2026-09-10T12:01:00Z"
AS_OF = "2026-10-20"

USAGE_READING = (
    "--select",
    "+int_usage_records_classified +fct_usage_duplicates +fct_usage_quarantine",
    "--indirect-selection",
    "cautious",
)
"""dbt flags of a build of only what a test of how usage files are read checks: the classified
records, the removed duplicates and the quarantine, everything upstream of them (the landing
readers, the reference seeds), and every data test whose models are all among them. The
pricing, billing and close models, which such a test never reads, are not built: a quarter of a
whole build's time. A test of a behaviour downstream (a close, a variance) builds everything."""

# The header of a FOCUS export with only the columns the project requires, and of an invoice
# export: the billing tests' hand-written files.
FOCUS_HEADER = (
    "BillingAccountId,SubAccountId,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,"
    "BilledCost,BillingCurrency,SkuId,ConsumedQuantity"
)
INVOICE_HEADER = (
    "invoice_id,line_id,customer_id,price_id,period_start,period_end,quantity,amount,"
    "currency,line_type"
)


def flat_event(event_id: str, **fields: Any) -> dict[str, Any]:
    """A valid flat (schema v1) event of tenant-001's api_requests; fields override or add."""
    event = {
        "event_id": event_id,
        "producer": "api-gw-eu",
        "tenant_id": "tenant-001",
        "meter": "api_requests",
        "quantity": 1,
        "event_ts": EVENT_TS,
        "ingested_at": INGESTED_AT,
    }
    event.update(fields)
    return {key: value for key, value in event.items() if value is not ...}


def cloud_event(event_id: str, data: dict[str, Any] | None = None, **fields: Any) -> dict:
    """A valid CloudEvents 1.0 (schema v2) event of tenant-001's api_requests."""
    event = {
        "specversion": "1.0",
        "id": event_id,
        "source": "api-gw-eu",
        "subject": "tenant-001",
        "type": "api_requests",
        "time": EVENT_TS,
        "ingestedat": INGESTED_AT,
        "data": {"quantity": 1} if data is None else data,
    }
    event.update(fields)
    return event


def jsonl(*records: dict[str, Any] | str | bytes) -> bytes:
    """JSONL bytes: dicts are serialized, str and bytes lines are written as they are."""
    lines = []
    for record in records:
        if isinstance(record, dict):
            lines.append(json.dumps(record).encode())
        elif isinstance(record, str):
            lines.append(record.encode())
        else:
            lines.append(record)
    return b"\n".join(lines) + b"\n"


def land(landing: Path, relative: str, content: bytes) -> Path:
    """Write one landed file (folders created) and return its path."""
    path = landing / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def counts_per_file(warehouse: Warehouse) -> dict[str, tuple[int, int, int]]:
    """source_file -> (accepted unique events, removed duplicates, quarantined records)."""
    rows = warehouse.query(
        """
        with quarantined as (
            select source_file, count(*) as n from ops.fct_usage_quarantine group by all
        ),
        removed as (
            select source_file, count(*) as n from ops.fct_usage_duplicates group by all
        ),
        accepted as (
            select records.source_file, count(*) as n
            from intermediate.int_usage_records_classified as records
            anti join ops.fct_usage_duplicates as copies
                on records.source_file = copies.source_file
                and records.line_number = copies.line_number
            where records.quarantine_reason is null
            group by all
        ),
        files as (
            select source_file from quarantined
            union select source_file from removed
            union select source_file from accepted
        )
        select
            files.source_file,
            coalesce(accepted.n, 0),
            coalesce(removed.n, 0),
            coalesce(quarantined.n, 0)
        from files
        left join accepted using (source_file)
        left join removed using (source_file)
        left join quarantined using (source_file)
        order by 1
        """
    )
    return {file: (int(a), int(d), int(q)) for file, a, d, q in rows}


def assert_conserved(warehouse: Warehouse, raw_records: dict[str, int]) -> None:
    """Every file's raw records (as the test counts them in what it wrote) are accepted, removed
    as duplicates or quarantined, per file and in total; no file appears that was not written."""
    found = counts_per_file(warehouse)
    assert set(found) == {file for file, n in raw_records.items() if n > 0}, found
    for file, expected in raw_records.items():
        if expected:
            assert sum(found[file]) == expected, (file, found[file], expected)
    assert sum(sum(c) for c in found.values()) == sum(raw_records.values())


def quarantine(warehouse: Warehouse) -> list[tuple[str, int, str]]:
    """(source_file, line_number, reason) of every quarantined record, in order."""
    return warehouse.query(
        "select source_file, line_number, reason from ops.fct_usage_quarantine order by 1, 2"
    )
