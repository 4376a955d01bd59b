"""Stage 6, write (usage): the rendered usage landing files (JSONL, gzipped JSONL, Parquet
through DuckDB), the usage truth files under `truth/` and the manifest. Takes the `_Output`
and the `UsageTruth`; gives files under a staging folder.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from trueup_tools.sample.billing_records import BillingData
from trueup_tools.sample.config import GeneratorConfig
from trueup_tools.sample.landing import _Output
from trueup_tools.sample.plan import _File
from trueup_tools.sample.text import naive_utc_text
from trueup_tools.sample.usage_rules import UsageTruth, format_quantity
from trueup_tools.vocabulary import FLAT_USAGE_FIELDS

STAGE_COLUMNS = (*FLAT_USAGE_FIELDS, "specversion")


def _parquet_select(file: _File) -> str:
    """The SELECT list of one Parquet file (exact DECIMAL quantities)."""
    ts = "cast({} as timestamp)" if file.ts_type == "timestamp" else "{}"
    quantity = "cast(quantity as decimal(38, 9))"
    rate = "cast(sample_rate as decimal(18, 9))"
    if file.shape == "flat":
        return (
            f"event_id, producer, tenant_id, meter, {quantity} as quantity, "
            f"{ts.format('event_ts')} as event_ts, {ts.format('ingested_at')} as ingested_at, "
            f"{rate} as sample_rate"
        )
    return (
        f"specversion, event_id as id, producer as source, tenant_id as subject, "
        f"meter as type, {ts.format('event_ts')} as time, "
        f"struct_pack(quantity := {quantity}, sample_rate := {rate}) as data, "
        f"{ts.format('ingested_at')} as ingestedat"
    )


def _write_parquet(out: _Output, landing: Path) -> None:
    """Write the staged Parquet files with DuckDB (one COPY per file)."""
    if not out.parquet_files:
        return
    with tempfile.TemporaryDirectory(prefix="trueup-generate-") as tmp:
        stage = Path(tmp) / "stage.jsonl"
        with stage.open("w", encoding="utf-8") as handle:
            for row in out.parquet_rows:
                handle.write(json.dumps(row) + "\n")
        con = duckdb.connect(":memory:")
        try:
            con.execute("set threads = 1")
            columns = {"file_id": "BIGINT", "row_number": "BIGINT"}
            columns.update(dict.fromkeys(STAGE_COLUMNS, "VARCHAR"))
            con.execute(
                "create table stage as select * from read_json(?, format = 'newline_delimited', "
                f"columns = {_duck_struct(columns)})",
                [str(stage)],
            )
            for file_id, file in out.parquet_files:
                target = landing / file.relative_path
                target.parent.mkdir(parents=True, exist_ok=True)
                quoted = str(target).replace("'", "''")
                con.execute(
                    f"copy (select {_parquet_select(file)} from stage where file_id = {file_id} "
                    f"order by row_number) to '{quoted}' (format parquet)"
                )
        finally:
            con.close()


def _duck_struct(columns: dict[str, str]) -> str:
    """A DuckDB struct literal `{'name': 'TYPE', ...}`."""
    return "{" + ", ".join(f"'{k}': '{v}'" for k, v in columns.items()) + "}"


def _write_jsonl(out: _Output, landing: Path) -> None:
    """Write the JSONL (and gzipped JSONL) files."""
    for path, data in out.jsonl.items():
        target = landing / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


DAILY_COLUMNS = (
    "tenant_id",
    "meter",
    "usage_date",
    "quantity",
    "event_count",
    "duplicate_count",
    "late_event_count",
    "clock_skew_corrected_count",
)


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A CSV file with `\\n` line endings."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _iso(instant: datetime | None) -> str:
    """ISO 8601 UTC with a `Z`, microseconds when any; empty for None."""
    if instant is None:
        return ""
    return instant.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"


def _write_truth(truth: UsageTruth, truth_dir: Path) -> None:
    """usage_daily.csv, usage_faults.json, usage_quarantine.csv, usage_duplicates.csv."""
    truth_dir.mkdir(parents=True, exist_ok=True)
    _write_csv(
        truth_dir / "usage_daily.csv",
        DAILY_COLUMNS,
        (
            (
                r.tenant_id,
                r.meter,
                r.usage_date.isoformat(),
                format_quantity(r.quantity),
                r.event_count,
                r.duplicate_count,
                r.late_event_count,
                r.clock_skew_corrected_count,
            )
            for r in truth.daily
        ),
    )
    _write_csv(
        truth_dir / "usage_quarantine.csv",
        ("source_file", "line_number", "reason", "ingested_at"),
        ((q.source_file, q.line_number, q.reason, _iso(q.ingested_at)) for q in truth.quarantine),
    )
    _write_csv(
        truth_dir / "usage_duplicates.csv",
        (
            "source_file",
            "line_number",
            "producer",
            "event_id",
            "winner_source_file",
            "winner_line_number",
            "is_conflicting",
        ),
        (
            (
                d.source_file,
                d.line_number,
                d.producer,
                d.event_id,
                d.winner_source_file,
                d.winner_line_number,
                str(d.is_conflicting).lower(),
            )
            for d in truth.duplicates
        ),
    )
    (truth_dir / "usage_faults.json").write_text(
        json.dumps(truth.faults, indent=2) + "\n", encoding="utf-8"
    )


def _file_manifest(files: Sequence[_File]) -> list[dict[str, Any]]:
    """Per file: path, format and (Parquet) shape and timestamp column type."""
    rows = []
    for file in files:
        row: dict[str, Any] = {
            "path": file.relative_path,
            "format": file.fmt,
            "records": len(file.drafts),
        }
        if file.fmt == "parquet":
            row.update(shape=file.shape, timestamp_type=file.ts_type)
        rows.append(row)
    return rows


def _manifest(
    config: GeneratorConfig,
    as_of: datetime,
    usage_as_of: datetime,
    files: Sequence[_File],
    billing: BillingData | None,
) -> dict[str, Any]:
    """The manifest: config, seed, as_of and the var defaults the truth was computed with.

    `as_of` is the latest readable `ingested_at` (`usage_as_of`), moved forward to 00:00 UTC
    of the last billing export_date when an export would not be visible yet."""
    return {
        "generator": "trueup_tools.generate",
        "seed": config.seed,
        "as_of": _iso(as_of),
        "as_of_utc": naive_utc_text(as_of),
        "usage_as_of": _iso(usage_as_of),
        "vars": {
            "as_of": naive_utc_text(as_of),
            "grace_period_hours": config.grace_period_hours,
            "max_clock_skew_minutes": config.max_clock_skew_minutes,
            "dedupe_horizon_days": config.dedupe_horizon_days,
        },
        "config": config.to_json(),
        "files": _file_manifest(files),
        "billing_files": [
            {
                "path": f.relative_path,
                "source_system": f.source_system,
                "format": f.fmt,
                "export_date": f.export_date.isoformat(),
                "lines": len(f.lines),
            }
            for f in (billing.files if billing else [])
        ],
    }
