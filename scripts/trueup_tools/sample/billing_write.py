"""Stage 6, write (billing): renders the logical billing lines into their export files (CSV
with the spec's messiness: null tokens, padded amounts, timestamp forms, CRLF; Parquet
through DuckDB) and writes the billing truth files. Takes `BillingData` / `BillingTruth`;
gives files under a staging folder.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from random import Random
from typing import Any

import duckdb

from trueup_tools.pricing import (
    next_month,
)
from trueup_tools.sample.billing_records import (
    FAULT_KINDS,
    FOCUS_COLUMNS,
    INVOICE_COLUMNS,
    NULL_TOKENS,
    PARQUET_TYPES,
    PAYER_ACCOUNT,
    PROVIDER_NAME,
    STATUSES,
    UNMAPPED_REASONS,
    BillingData,
    BillingLine,
    _at_scale,
    _midnight,
)
from trueup_tools.sample.billing_truth import BillingTruth
from trueup_tools.sample.usage_rules import Invalid
from trueup_tools.sample.write import _write_csv

TIMESTAMP_FORMS: tuple[str, ...] = ("Z", "Z", "space", "+02:00", "-04:00", "ms")


def _timestamp_text(instant: datetime, form: str) -> str:
    """An instant as an export writes it: `Z`, no zone (UTC), or with an offset."""
    utc = instant.astimezone(UTC)
    if form == "space":
        return utc.strftime("%Y-%m-%d %H:%M:%S")
    if form == "ms":
        return utc.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if form in ("+02:00", "-04:00"):
        sign = 1 if form[0] == "+" else -1
        zone = timezone(sign * timedelta(hours=int(form[1:3])))
        return instant.astimezone(zone).isoformat()
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def _amount_text(value: Decimal, rng: Random, pad: bool) -> str:
    """A decimal as written: as is, or padded with zeros to 12..15 decimals."""
    places = max(0, -value.as_tuple().exponent)  # type: ignore[operator]
    if pad and places < 15 and rng.random() < 0.6:
        value = value.quantize(Decimal(1).scaleb(-max(places, rng.randint(12, 15))))
    return format(value, "f")


def _null(rng: Random) -> str:
    return rng.choice(NULL_TOKENS)


def _start_and_amount(line: BillingLine, form: str, rng: Random, pad: bool) -> tuple[str, str]:
    """The charge start and amount texts of a line: an invalid value's own text, else the
    instant in `form` and the amount (padded to 12..15 decimals now and then when `pad`)."""
    if isinstance(line.charge_start, Invalid):
        start = line.charge_start.text
    else:
        start = _timestamp_text(line.charge_start, form)
    if isinstance(line.amount, Invalid):
        return start, line.amount.text
    return start, _amount_text(line.amount, rng, pad)


def _focus_values(line: BillingLine, rng: Random) -> dict[str, str | None]:
    """One FOCUS line's field texts (None: a null, written as an empty field or a token)."""
    form = rng.choice(TIMESTAMP_FORMS)
    start, amount = _start_and_amount(line, form, rng, pad=True)
    billing_start = _midnight(line.billing_period_start)
    billing_form = "date" if rng.random() < 0.3 else form
    quantity = None if line.quantity is None else _amount_text(line.quantity, rng, False)
    return {
        "BillingAccountId": PAYER_ACCOUNT if line.has_sub_account else line.account_id,
        "BillingAccountName": "Acme Payer" if rng.random() < 0.8 else None,
        "SubAccountId": line.account_id if line.has_sub_account else None,
        "ProviderName": PROVIDER_NAME,
        "ChargePeriodStart": start,
        "ChargePeriodEnd": _timestamp_text(line.charge_end, form),
        "BillingPeriodStart": (
            line.billing_period_start.isoformat()
            if billing_form == "date"
            else _timestamp_text(billing_start, billing_form)
        ),
        "BillingPeriodEnd": _timestamp_text(_midnight(next_month(line.billing_period_start)), "Z"),
        "ChargeCategory": line.category,
        "ChargeClass": ("correction" if rng.random() < 0.3 else "Correction")
        if line.is_correction
        else None,
        "ChargeDescription": line.description or None,
        "SkuId": line.sku_id,
        "ConsumedQuantity": quantity,
        "ConsumedUnit": line.unit,
        "ListCost": amount if rng.random() < 0.5 else None,
        "BilledCost": amount,
        "EffectiveCost": amount if rng.random() < 0.85 else None,
        "BillingCurrency": line.currency,
        "InvoiceId": line.invoice_id,
        "x_VendorDiscountCode": rng.choice(("EDP-2026", "PROMO10", None, None)),
        "x_ServiceCode": rng.choice(("svc-compute", "svc-network", "svc-storage", None)),
    }


def _invoice_values(line: BillingLine, rng: Random, line_id: int) -> dict[str, str | None]:
    form = rng.choice(("Z", "Z", "space", "ms"))
    start, amount = _start_and_amount(line, form, rng, pad=False)
    return {
        "invoice_id": line.invoice_id or f"CN-{line.billing_period_start:%Y%m}-{line.account_id}",
        "line_id": f"L{line_id:05d}",
        "customer_id": line.account_id,
        "price_id": line.sku_id,
        "description": line.description or None,
        "period_start": start,
        "period_end": _timestamp_text(line.charge_end, form),
        "quantity": None if line.quantity is None else format(line.quantity, "f"),
        "amount": amount,
        "currency": line.currency,
        "line_type": line.category,
    }


def _csv_bytes(header: Sequence[str], rows: Iterable[Sequence[str]], crlf: bool) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def render_billing(data: BillingData, rng: Random) -> dict[str, bytes | list[dict]]:
    """CSV bytes per CSV file, and typed rows (text values) per Parquet file."""
    out: dict[str, bytes | list[dict]] = {}
    for file in data.files:
        if file.source_system == "focus":
            columns = [c for c in FOCUS_COLUMNS if c not in file.drop_columns]
            if file.drop_columns == () and file.fmt == "csv":
                # vendor columns somewhere in the middle
                columns.remove("x_VendorDiscountCode")
                columns.insert(2, "x_VendorDiscountCode")
            values = [_focus_values(line, rng) for line in file.lines]
            if file.fmt == "parquet":
                out[file.relative_path] = [{c: v[c] for c in columns} for v in values]
                continue
            rows = [[v[c] if v[c] is not None else _null(rng) for c in columns] for v in values]
            out[file.relative_path] = _csv_bytes(columns, rows, file.crlf)
        else:
            values = [_invoice_values(line, rng, n) for n, line in enumerate(file.lines, 1)]
            rows = [
                [v[c] if v[c] is not None else _null(rng) for c in INVOICE_COLUMNS] for v in values
            ]
            out[file.relative_path] = _csv_bytes(INVOICE_COLUMNS, rows, False)
    return out


def _parquet_value(column: str, text: str | None) -> str | None:
    """Parquet holds real types: timestamps as UTC instants, amounts as DECIMAL(38, 15)."""
    if text is None:
        return None
    if PARQUET_TYPES.get(column) == "timestamptz":
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S+00")
    return text


def write_billing(data: BillingData, landing: Path, seed: int) -> None:
    """Write every export under the landing root."""
    rendered = render_billing(data, Random(seed + 2))
    for path, content in rendered.items():
        target = landing / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
            continue
        _write_parquet(target, content)


def _write_parquet(target: Path, rows: list[dict]) -> None:
    columns = list(rows[0]) if rows else list(FOCUS_COLUMNS)
    con = duckdb.connect(":memory:")
    try:
        con.execute("set threads = 1")
        con.execute("set TimeZone = 'UTC'")
        con.execute("create table stage (" + ", ".join(f'"{c}" varchar' for c in columns) + ")")
        con.executemany(
            f"insert into stage values ({', '.join('?' for _ in columns)})",
            [[_parquet_value(c, row[c]) for c in columns] for row in rows],
        )
        select = ", ".join(
            f'cast("{c}" as {PARQUET_TYPES[c]}) as "{c}"' if c in PARQUET_TYPES else f'"{c}"'
            for c in columns
        )
        quoted = str(target).replace("'", "''")
        con.execute(f"copy (select {select} from stage) to '{quoted}' (format parquet)")
    finally:
        con.close()


# The truth CSVs' columns: each a field of the truth row, written at its scale (None: as is).
# A figure is never rounded (`_at_scale`); an empty value is an empty field.
Columns = tuple[tuple[str, int | None], ...]
VARIANCE_COLUMNS: Columns = (
    ("period_start", None),
    ("tenant_id", None),
    ("meter", None),
    ("metered_quantity", 9),
    ("expected_amount", 2),
    ("billed_amount", 15),
    ("billed_quantity", 15),
    ("status", None),
    ("amount_variance", 15),
    ("currency", None),
    ("tolerance", 6),
    ("auto_adjust_limit", 2),
    ("billed_line_count", None),
)
UNMAPPED_COLUMNS: Columns = (
    ("source_file", None),
    ("line_number", None),
    ("reason", None),
    ("amount", 15),
    ("account_id", None),
    ("sku_id", None),
)
TIEOUT_COLUMNS: Columns = (
    ("source_file", None),
    ("total", 15),
    ("reconciled_usage", 15),
    ("non_usage", 15),
    ("unmapped", 15),
    ("line_count", None),
)


def _truth_rows(records: Iterable[Any], columns: Columns) -> Iterator[tuple[Any, ...]]:
    """Each record's fields as the truth CSV writes them."""
    for record in records:
        values = []
        for name, places in columns:
            value = getattr(record, name)
            if value is None or value == "":
                values.append("")
            elif places is not None:
                values.append(_at_scale(value, places))
            else:
                values.append(value.isoformat() if isinstance(value, date) else value)
        yield tuple(values)


def _write_truth_csv(path: Path, records: Iterable[Any], columns: Columns) -> None:
    _write_csv(path, [name for name, _ in columns], _truth_rows(records, columns))


def _faults_summary(
    data: BillingData, truth: BillingTruth, extra: Mapping[str, Any]
) -> dict[str, Any]:
    """billing_faults.json: the export files, every injected fault, and the counts per fault
    kind, status and unmapped reason."""
    return {
        **extra,
        "billed_periods": [p.isoformat() for p in data.billed_periods],
        "reported_periods": [p.isoformat() for p in truth.periods],
        "files": [
            {
                "path": f.relative_path,
                "source_system": f.source_system,
                "format": f.fmt,
                "export_date": f.export_date.isoformat(),
                "lines": len(f.lines),
                "dropped_columns": list(f.drop_columns),
            }
            for f in data.files
        ],
        "counts": {kind: sum(f.kind == kind for f in data.faults) for kind in FAULT_KINDS},
        "skipped": data.skipped,
        "unbilled_keys": [[p.isoformat(), t, m] for p, t, m in data.unbilled],
        "status_counts": {s: sum(r.status == s for r in truth.variance) for s in STATUSES},
        "unmapped_by_reason": {
            reason: sum(r.reason == reason for r in truth.unmapped) for reason in UNMAPPED_REASONS
        },
        "faults": [f.to_json() for f in data.faults],
    }


def write_billing_truth(
    data: BillingData, truth: BillingTruth, truth_dir: Path, extra: Mapping[str, Any]
) -> dict[str, Any]:
    """billing_variance.csv, billing_unmapped.csv, billing_tieout.csv, billing_faults.json."""
    truth_dir.mkdir(parents=True, exist_ok=True)
    _write_truth_csv(truth_dir / "billing_variance.csv", truth.variance, VARIANCE_COLUMNS)
    _write_truth_csv(truth_dir / "billing_unmapped.csv", truth.unmapped, UNMAPPED_COLUMNS)
    _write_truth_csv(truth_dir / "billing_tieout.csv", truth.tieout, TIEOUT_COLUMNS)
    summary = _faults_summary(data, truth, extra)
    (truth_dir / "billing_faults.json").write_text(
        json.dumps(summary, indent=2) + "\n", encoding="utf-8"
    )
    return summary
