"""Tests of the sample-data generator and of the independent usage truth (no dbt needed)."""

from __future__ import annotations

import argparse
import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from trueup_tools import cli
from trueup_tools.build import add_demo_arguments
from trueup_tools.generate import add_arguments, config_from_args
from trueup_tools.sample import GeneratorConfig, build_records, generate
from trueup_tools.sample.usage_rules import (
    REASONS,
    Invalid,
    UsageRecord,
    UsageTruth,
    event_weight,
    month_watermark,
    quarantine_reason,
)
from trueup_tools.sample.usage_truth import compute_usage_truth
from trueup_tools.vocabulary import FLAT_USAGE_FIELDS

# the generator tests exercise the numeric stress case too (off by default)
STRESS = GeneratorConfig(wide_quantity_rate=0.004)
SMALL = GeneratorConfig(events=600, days=20, wide_quantity_rate=0.004)
METERS = {"compute_hours": "sum", "api_requests": "count", "storage_gb": "max"}
T0 = datetime(2026, 8, 10, 12, 0, tzinfo=UTC)
US = timedelta(microseconds=1)
FILE_A = "usage/ingest_date=2026-08-10/api-gw-eu-001.jsonl"
FILE_B = "usage/ingest_date=2026-08-10/api-gw-eu-002.parquet"


# --------------------------------------------------------------------------- helpers


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under root, by relative path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def load_faults(out: Path) -> dict[str, Any]:
    """The generated usage_faults.json."""
    return json.loads((out / "truth" / "usage_faults.json").read_text("utf-8"))


def rec(line: int = 1, source_file: str = FILE_A, **values: Any) -> UsageRecord:
    """A valid flat record (sum meter, quantity 1, ingested at T0) with overrides."""
    base: dict[str, Any] = {
        "shape": "flat",
        "event_id": "e-1",
        "producer": "api-gw-eu",
        "tenant_id": "tenant-001",
        "meter": "compute_hours",
        "quantity": Decimal("1"),
        "event_ts": T0 - timedelta(minutes=1),
        "ingested_at": T0,
        "sample_rate": None,
    }
    base.update(values)
    return UsageRecord(source_file=source_file, line_number=line, **base)


def truth_of(
    records: list[UsageRecord], as_of: datetime | date | None = None, **kw: Any
) -> UsageTruth:
    """compute_usage_truth with the test meters and a late as_of by default."""
    as_of = as_of or datetime(2027, 1, 1, tzinfo=UTC)
    return compute_usage_truth(records, as_of, meters=METERS, **kw)


def only_row(truth: UsageTruth) -> Any:
    """The single daily row of a truth."""
    assert len(truth.daily) == 1, truth.daily
    return truth.daily[0]


# --------------------------------------------------------------------------- generator


@pytest.fixture(scope="module")
def default_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One generation with default options."""
    out = tmp_path_factory.mktemp("default")
    generate(STRESS, out)
    return out


@pytest.fixture(scope="module")
def default_records() -> list[UsageRecord]:
    """The logical records of the default generation (rebuilt in memory, same seed)."""
    _files, output, _ctx = build_records(STRESS)
    return output.records


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    generate(SMALL, tmp_path / "a")
    generate(SMALL, tmp_path / "b")
    first, second = tree_bytes(tmp_path / "a"), tree_bytes(tmp_path / "b")
    assert first == second
    assert any(name.endswith(".parquet") for name in first)
    assert any(name.endswith(".jsonl.gz") for name in first)


def test_different_seed_gives_different_files(tmp_path: Path) -> None:
    generate(SMALL, tmp_path / "a")
    generate(replace(SMALL, seed=7), tmp_path / "b")
    assert tree_bytes(tmp_path / "a" / "landing") != tree_bytes(tmp_path / "b" / "landing")


def test_only_usage_landing_and_truth_are_replaced(tmp_path: Path) -> None:
    keep = [tmp_path / "landing" / "billing" / "x.csv", tmp_path / "other.txt"]
    for path in keep:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x\n")
    generate(replace(SMALL, start_date=date(2026, 3, 1)), tmp_path)  # an earlier generation
    stale = tmp_path / "landing" / "usage" / "ingest_date=2026-03-01"
    assert stale.is_dir()
    generate(SMALL, tmp_path)
    assert all(path.exists() for path in keep)
    assert not stale.exists()


def test_conservation_per_file_and_in_total(default_out: Path) -> None:
    faults = load_faults(default_out)
    landing = default_out / "landing"
    usage = landing / "usage"
    on_disk = {p.relative_to(landing).as_posix() for p in usage.rglob("*") if p.is_file()}
    assert set(faults["per_file"]) == on_disk
    for name, counts in faults["per_file"].items():
        assert counts["raw_records"] > 0, name
        assert counts["raw_records"] == (
            counts["accepted"] + counts["duplicates"] + counts["quarantined"]
        ), name
    assert faults["raw_records"] == (
        faults["accepted_events"] + faults["removed_duplicates"] + faults["quarantined"]
    )
    assert faults["raw_records"] == sum(c["raw_records"] for c in faults["per_file"].values())
    assert faults["quarantined"] == sum(faults["quarantined_by_reason"].values())
    assert faults["removed_duplicates"] == (
        faults["exact_duplicates"] + faults["conflicting_duplicates"]
    )


def test_every_reason_and_fault_kind_appears(default_out: Path) -> None:
    faults = load_faults(default_out)
    assert list(faults["quarantined_by_reason"]) == list(REASONS)
    assert all(count > 0 for count in faults["quarantined_by_reason"].values())
    for kind in (
        "exact_duplicates",
        "conflicting_duplicates",
        "cross_producer_same_event_id",
        "beyond_horizon_new_originals",
        "late_events",
        "clock_skew_corrected",
        "sampled_events",
        "blank_lines",
    ):
        assert faults[kind] > 0, kind


def test_daily_truth_file_format(default_out: Path) -> None:
    lines = (default_out / "truth" / "usage_daily.csv").read_text("utf-8").splitlines()
    assert lines[0] == (
        "tenant_id,meter,usage_date,quantity,event_count,duplicate_count,"
        "late_event_count,clock_skew_corrected_count"
    )
    rows = [line.split(",") for line in lines[1:]]
    assert rows == sorted(rows, key=lambda r: (r[0], r[1], r[2]))
    assert all(re.fullmatch(r"[0-9]+\.[0-9]{9}", r[3]) for r in rows)
    faults = load_faults(default_out)
    assert sum(int(r[4]) for r in rows) == faults["accepted_events"]
    assert sum(int(r[5]) for r in rows) == faults["removed_duplicates"]
    assert sum(int(r[6]) for r in rows) == faults["late_events"]
    assert sum(int(r[7]) for r in rows) == faults["clock_skew_corrected"]


def test_manifest_as_of_is_the_max_readable_ingested_at(
    default_out: Path, default_records: list[UsageRecord]
) -> None:
    manifest = json.loads((default_out / "truth" / "manifest.json").read_text("utf-8"))
    readable = [r.ingested_at for r in default_records if isinstance(r.ingested_at, datetime)]
    expected = max(readable)
    assert datetime.fromisoformat(manifest["as_of"]) == expected
    assert manifest["seed"] == 42
    assert manifest["vars"]["grace_period_hours"] == 72
    assert manifest["vars"]["max_clock_skew_minutes"] == 5
    assert manifest["vars"]["dedupe_horizon_days"] == 35
    assert manifest["config"]["events"] == 5000


# --------------------------------------------------------------------------- file fidelity

FLAT_FIELDS = FLAT_USAGE_FIELDS
CE_MAP = {
    "id": "event_id",
    "source": "producer",
    "subject": "tenant_id",
    "type": "meter",
    "time": "event_ts",
    "ingestedat": "ingested_at",
}


def parse_number(value: Any) -> Any:
    """Logical value of a JSON / Parquet number field."""
    if value is None or isinstance(value, Decimal):
        return value
    if re.fullmatch(r"-?[0-9]+(\.[0-9]+)?|NaN|Infinity|-Infinity", value):
        return Decimal(value)
    return Invalid(value)


def parse_instant(value: Any) -> Any:
    """Logical value of a timestamp field (text RFC 3339 or a naive UTC datetime)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return Invalid(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def logical(source_file: str, line: int, obj: Any) -> UsageRecord:
    """Independent decoding of one JSON document / Parquet row per SPEC 3 (record details)."""
    if not isinstance(obj, dict):
        return UsageRecord(source_file, line, "not_object")
    if "specversion" in obj:
        data = obj.get("data") or {}
        values = {CE_MAP[k]: obj.get(k) for k in CE_MAP}
        values.update(quantity=data.get("quantity"), sample_rate=data.get("sample_rate"))
        shape, spec = "cloudevents", obj["specversion"]
    elif any(k in obj for k in FLAT_FIELDS):
        values, shape, spec = {k: obj.get(k) for k in FLAT_FIELDS}, "flat", None
    else:
        return UsageRecord(source_file, line, "no_known_fields")
    for key in ("quantity", "sample_rate"):
        values[key] = parse_number(values[key])
    for key in ("event_ts", "ingested_at"):
        values[key] = parse_instant(values[key])
    return UsageRecord(source_file, line, shape, specversion=spec, **values)


def read_landing(landing: Path) -> Iterator[UsageRecord]:
    """Every line / row of the usage landing files, decoded independently of the generator."""
    for path in sorted((landing / "usage").rglob("*")):
        name = path.relative_to(landing).as_posix()
        if name.endswith(".parquet"):
            con = duckdb.connect()
            cursor = con.execute(
                "select * from read_parquet(?, hive_partitioning = false)", [str(path)]
            )
            columns = [d[0] for d in cursor.description]
            for number, row in enumerate(cursor.fetchall(), start=1):
                yield logical(name, number, dict(zip(columns, row, strict=True)))
            con.close()
        elif name.endswith((".jsonl", ".jsonl.gz")):
            data = path.read_bytes()
            text = (gzip.decompress(data) if name.endswith(".gz") else data).decode("utf-8")
            for number, line in enumerate(text.split("\n")[:-1], start=1):
                if not line.strip():
                    yield UsageRecord(name, number, "blank")
                    continue
                try:
                    obj = json.loads(line, parse_float=Decimal, parse_int=Decimal)
                except ValueError:
                    obj = ["unparseable"]
                yield logical(name, number, obj)


def comparable(record: UsageRecord) -> UsageRecord:
    """The record with NaN quantities replaced by a marker (NaN never equals itself)."""
    if isinstance(record.quantity, Decimal) and record.quantity.is_nan():
        return replace(record, quantity=Invalid("NaN"))
    return record


def test_files_hold_exactly_the_logical_records(
    default_out: Path, default_records: list[UsageRecord]
) -> None:
    expected = {(r.source_file, r.line_number): comparable(r) for r in default_records}
    parsed = {
        (r.source_file, r.line_number): comparable(r) for r in read_landing(default_out / "landing")
    }
    assert parsed.keys() == expected.keys()
    mismatches = [key for key in expected if parsed[key] != expected[key]]
    assert not mismatches, [(parsed[k], expected[k]) for k in mismatches[:3]]


def _wide_quantities(records: list[UsageRecord]) -> list[Decimal]:
    """Quantities of 9 or more digits before the point (the numeric stress case)."""
    return [
        r.quantity
        for r in records
        if isinstance(r.quantity, Decimal) and r.quantity.is_finite() and r.quantity >= 10**8
    ]


def test_wide_quantities_are_an_explicit_stress_option_off_everywhere(
    default_records: list[UsageRecord],
) -> None:
    assert _wide_quantities(default_records)  # the stress option: the tests exercise it
    _files, output, _ctx = build_records(GeneratorConfig())
    assert not _wide_quantities(output.records)  # off by default
    for add in (add_demo_arguments, add_arguments):  # `trueup demo` and `trueup generate`
        parser = argparse.ArgumentParser()
        add(parser)
        assert parser.parse_args([]).wide_quantity_rate == 0.0
        assert parser.parse_args(["--wide-quantity-rate", "0.004"]).wide_quantity_rate == 0.004
        assert config_from_args(parser.parse_args(["--out", "x"])) == GeneratorConfig()


def test_text_forms_cover_the_spec(default_out: Path) -> None:
    text = "\n".join(
        (gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes()).decode()
        for p in (default_out / "landing").rglob("*.jsonl*")
    )
    assert re.search(r"\"quantity\": [0-9]{9}\.[0-9]{9}[,}]", text)  # > 17 significant digits
    assert re.search(r'"quantity": "[0-9.]+"', text)  # numeric string
    assert re.search(r'"quantity": [0-9]+\.[0-9]*0[,}]', text)  # trailing zeros
    assert re.search(r'"quantity": [0-9]+[,}]', text)  # integer
    assert re.search(r'"sample_rate": "0\.[0-9]+"', text)
    for suffix in ('Z"', '\\+00:00"', '\\+05:30"', '-08:00"', ':[0-9]{2}"', '\\.[0-9]{6}Z"'):
        assert re.search(r'"(event_ts|time)": "[0-9T:.-]+' + suffix, text), suffix
    assert re.search(r'"(event_id|id|tenant_id|subject|producer|source)": " +\S', text)
    assert '"specversion": "0.3"' in text


def test_generated_boundary_cases(default_records: list[UsageRecord]) -> None:
    truth = compute_usage_truth(default_records, datetime(2030, 1, 1, tzinfo=UTC))
    skew, micro = timedelta(minutes=5), timedelta(microseconds=1)
    past_watermark = {e.ingested_at - month_watermark(e.event_at, 72): e for e in truth.accepted}
    assert not past_watermark[timedelta(0)].is_late
    assert past_watermark[micro].is_late
    leads = {e.event_at - e.ingested_at for e in truth.accepted}
    assert skew in leads  # exactly at the tolerance: kept, not corrected
    assert any(
        isinstance(r.event_ts, datetime)
        and isinstance(r.ingested_at, datetime)
        and r.event_ts - r.ingested_at == skew + micro
        for r in default_records
    )


def test_ties_and_shape_changing_duplicates(default_records: list[UsageRecord]) -> None:
    by_key = {(r.source_file, r.line_number): r for r in default_records}
    truth = compute_usage_truth(default_records, datetime(2030, 1, 1, tzinfo=UTC))
    pairs = [
        (
            by_key[(d.source_file, d.line_number)],
            by_key[(d.winner_source_file, d.winner_line_number)],
            d,
        )
        for d in truth.duplicates
    ]
    ties = [(c, w) for c, w, _d in pairs if c.ingested_at == w.ingested_at]
    assert any(c.source_file > w.source_file for c, w in ties)
    exact = [(c, w) for c, w, d in pairs if not d.is_conflicting]
    assert any(c.shape != w.shape for c, w in exact)
    assert any(c.source_file.split(".", 1)[1] != w.source_file.split(".", 1)[1] for c, w in exact)
    horizon = timedelta(days=35)
    assert any(c.ingested_at - w.ingested_at == horizon for c, w, _d in pairs)


@pytest.mark.parametrize("formats", ["parquet", "jsonl", "jsonl.gz,parquet"])
def test_restricted_formats(tmp_path: Path, formats: str) -> None:
    rc = cli.main(["generate", "--out", str(tmp_path), "--events", "300", "--formats", formats])
    assert rc == 0
    usage = tmp_path / "landing" / "usage"
    suffixes = {p.name.split(".", 1)[1] for p in usage.rglob("*") if p.is_file()}
    assert suffixes <= set(formats.split(","))
    faults = load_faults(tmp_path)
    assert faults["quarantined"] > 0
    assert faults["removed_duplicates"] > 0


def test_cli_rejects_bad_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["generate", "--out", str(tmp_path), "--formats", "csv"]) == 2
    assert cli.main(["generate", "--out", str(tmp_path), "--meters", "nope"]) == 2
    assert cli.main(["generate", "--out", str(tmp_path), "--late-rate", "1.5"]) == 2
    assert "trueup generate:" in capsys.readouterr().err
    assert not (tmp_path / "truth").exists()


def test_meter_subset(tmp_path: Path) -> None:
    generate(replace(SMALL, meters=("api_requests",)), tmp_path)
    rows = (tmp_path / "truth" / "usage_daily.csv").read_text().splitlines()[1:]
    assert rows and all(row.split(",")[1] == "api_requests" for row in rows)


# --------------------------------------------------------------------------- truth by hand


def test_dedupe_horizon_is_inclusive_and_a_later_copy_starts_a_new_original() -> None:
    horizon = timedelta(days=35)
    records = [
        rec(1),
        rec(2, ingested_at=T0 + horizon),  # duplicate (inclusive)
        rec(3, ingested_at=T0 + horizon + US),  # new original
        rec(4, ingested_at=T0 + 2 * horizon + US),  # duplicate of the new original
        rec(5, ingested_at=T0 + 3 * horizon + 2 * US),  # new original again
    ]
    truth = truth_of(records)
    assert [(e.line_number, e.is_new_original) for e in truth.accepted] == [
        (1, False),
        (3, True),
        (5, True),
    ]
    assert [(d.line_number, d.winner_line_number) for d in truth.duplicates] == [(2, 1), (4, 3)]
    assert truth.faults["beyond_horizon_new_originals"] == 2
    day = only_row(truth)
    assert (day.quantity, day.event_count, day.duplicate_count) == (Decimal("3"), 3, 2)
    shorter = truth_of(records, dedupe_horizon_days=34)
    assert [(d.line_number, d.winner_line_number) for d in shorter.duplicates] == [(3, 2)]


def test_dedupe_ties_go_to_the_smaller_path_then_line() -> None:
    records = [
        rec(7, FILE_B, quantity=Decimal("2")),
        rec(9, FILE_A, quantity=Decimal("3")),
        rec(4, FILE_A, quantity=Decimal("5")),
        rec(1, FILE_B, ingested_at=T0 - US, quantity=Decimal("11"), event_id="e-2"),
        rec(2, FILE_A, quantity=Decimal("13"), event_id="e-2"),
    ]
    truth = truth_of(records)
    winners = {
        (d.line_number, d.source_file): (d.winner_source_file, d.winner_line_number)
        for d in truth.duplicates
    }
    assert winners == {
        (9, FILE_A): (FILE_A, 4),
        (7, FILE_B): (FILE_A, 4),
        (2, FILE_A): (FILE_B, 1),  # earlier ingested_at beats the smaller path
    }
    assert all(d.is_conflicting for d in truth.duplicates)
    assert only_row(truth).quantity == Decimal("16")
    assert truth.faults["conflicting_duplicates"] == 3


def test_exact_duplicate_compares_values_not_text() -> None:
    plus_0530 = timezone(timedelta(hours=5, minutes=30))
    original = rec(1, quantity=Decimal("12.5"), sample_rate=None)
    copy = rec(
        2,
        FILE_B,
        event_id=" e-1 ",
        producer="api-gw-eu  ",
        tenant_id=" tenant-001",
        quantity=Decimal("12.500"),
        sample_rate=Decimal("1.0"),
        event_ts=(T0 - timedelta(minutes=1)).astimezone(plus_0530),
        ingested_at=T0 + timedelta(hours=1),
        shape="cloudevents",
        specversion="1.0",
    )
    truth = truth_of([original, copy])
    assert [d.is_conflicting for d in truth.duplicates] == [False]
    assert truth.faults["exact_duplicates"] == 1


def test_duplicate_counts_on_its_originals_tenant_meter_and_day() -> None:
    original = rec(1, event_ts=datetime(2026, 8, 9, 23, 0, tzinfo=UTC))
    copy = rec(2, tenant_id="tenant-002", event_ts=T0, ingested_at=T0 + timedelta(days=1))
    truth = truth_of([original, copy])
    day = only_row(truth)
    assert (day.tenant_id, day.usage_date, day.duplicate_count) == (
        "tenant-001",
        date(2026, 8, 9),
        1,
    )
    assert truth.duplicates[0].is_conflicting


def test_invalid_copy_is_never_original_nor_duplicate() -> None:
    records = [rec(1, ingested_at=T0 - timedelta(hours=1), quantity=Decimal(-1)), rec(2)]
    truth = truth_of(records)
    assert [q.reason for q in truth.quarantine] == ["invalid_quantity"]
    assert [e.line_number for e in truth.accepted] == [2]
    assert truth.duplicates == []


def test_cross_producer_event_id_is_not_a_duplicate() -> None:
    truth = truth_of([rec(1), rec(2, producer="api-gw-us")])
    assert truth.faults["accepted_events"] == 2
    assert truth.faults["cross_producer_same_event_id"] == 1
    assert truth.faults["removed_duplicates"] == 0


def test_clock_skew_boundary_is_strict() -> None:
    ingested = datetime(2026, 8, 31, 23, 58, tzinfo=UTC)
    skew = timedelta(minutes=5)
    at_limit = rec(1, ingested_at=ingested, event_ts=ingested + skew)
    beyond = rec(2, event_id="e-2", ingested_at=ingested, event_ts=ingested + skew + US)
    truth = truth_of([at_limit, beyond])
    by_line = {e.line_number: e for e in truth.accepted}
    assert (by_line[1].event_at, by_line[1].is_clock_skew_corrected) == (ingested + skew, False)
    assert (by_line[2].event_at, by_line[2].is_clock_skew_corrected) == (ingested, True)
    assert [(r.usage_date, r.clock_skew_corrected_count) for r in truth.daily] == [
        (date(2026, 8, 31), 1),
        (date(2026, 9, 1), 0),
    ]
    wider = truth_of([beyond], max_clock_skew_minutes=6)
    assert wider.faults["clock_skew_corrected"] == 0


def test_late_boundary_is_strict() -> None:
    watermark = datetime(2026, 9, 4, tzinfo=UTC)  # 2026-09-01 + 72 h
    event_ts = datetime(2026, 8, 31, 10, tzinfo=UTC)
    at_watermark = rec(1, event_ts=event_ts, ingested_at=watermark)
    after = rec(2, event_id="e-2", event_ts=event_ts, ingested_at=watermark + US)
    truth = truth_of([at_watermark, after])
    assert [e.is_late for e in truth.accepted] == [False, True]
    assert only_row(truth).late_event_count == 1
    assert truth_of([at_watermark], grace_period_hours=71).faults["late_events"] == 1


def test_sampling_rounds_half_away_from_zero_per_event() -> None:
    assert event_weight("sum", Decimal("12.5"), None) == Decimal("12.5")
    cases = {  # tenant: ([(quantity, sample_rate), ...], expected day quantity)
        "t-half-08": ([("0.000000002", "0.8")], "0.000000003"),  # 0.0000000025, half-even: ...2
        "t-third-1": ([("1", "0.3")], "3.333333333"),
        "t-third-2": ([("2", "0.3")], "6.666666667"),
        "t-seventh": ([("3", "0.7")], "4.285714286"),
        "t-big": ([("123456789012.123456789", "0.3")], "411522630040.411522630"),
        # per event 0.0000000025 -> 0.000000003, twice; rounding the sum would give ...005
        "t-per-event": ([("0.000000001", "0.4"), ("0.000000001", "0.4")], "0.000000006"),
    }
    records = [
        rec(
            len(cases) * 10 + n,
            tenant_id=tenant,
            event_id=f"{tenant}-{n}",
            quantity=Decimal(q),
            sample_rate=Decimal(r),
        )
        for tenant, (events, _expected) in cases.items()
        for n, (q, r) in enumerate(events)
    ]
    got = {row.tenant_id: row.quantity for row in truth_of(records).daily}
    assert got == {tenant: Decimal(expected) for tenant, (_e, expected) in cases.items()}


def test_max_meter_ignores_sample_rate() -> None:
    records = [
        rec(1, meter="storage_gb", quantity=Decimal("10"), sample_rate=Decimal("0.5")),
        rec(2, event_id="e-2", meter="storage_gb", quantity=Decimal("7"), sample_rate=None),
    ]
    day = only_row(truth_of(records))
    assert (day.quantity, day.event_count) == (Decimal("10"), 2)


def test_count_meter_counts_one_over_rate() -> None:
    records = [
        rec(1, meter="api_requests", quantity=None, sample_rate=Decimal("0.3")),
        rec(
            2,
            event_id="e-2",
            meter="api_requests",
            quantity=Decimal("40"),
            sample_rate=Decimal("0.7"),
        ),
        rec(3, event_id="e-3", meter="api_requests", quantity=None, sample_rate=None),
    ]
    day = only_row(truth_of(records))
    assert day.quantity == Decimal("3.333333333") + Decimal("1.428571429") + Decimal("1")
    assert day.event_count == 3
    assert truth_of(records).faults["sampled_events"] == 2


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"shape": "not_object"}, "malformed_record"),
        ({"shape": "no_known_fields"}, "unsupported_schema"),
        ({"shape": "cloudevents", "specversion": "0.3", "tenant_id": ""}, "unsupported_schema"),
        ({"event_id": "  "}, "missing_event_id"),
        ({"producer": None, "tenant_id": None}, "missing_event_id"),
        ({"tenant_id": " ", "quantity": Decimal(-3)}, "missing_tenant"),
        ({"meter": "gpu_hours", "sample_rate": Decimal("1.5")}, "unknown_meter"),
        ({"quantity": None}, "invalid_quantity"),
        ({"meter": "storage_gb", "quantity": None}, "invalid_quantity"),
        ({"quantity": Decimal("NaN")}, "invalid_quantity"),
        ({"quantity": Decimal("Infinity")}, "invalid_quantity"),
        ({"quantity": Invalid("twelve"), "event_ts": None}, "invalid_quantity"),
        ({"meter": "api_requests", "quantity": Decimal("-1")}, "invalid_quantity"),
        ({"event_ts": Invalid("2026-08-32T10:00:00Z")}, "invalid_timestamp"),
        ({"event_ts": None}, "invalid_timestamp"),
        ({"ingested_at": Invalid("yesterday")}, "invalid_timestamp"),
        ({"sample_rate": Decimal("0")}, "invalid_sample_rate"),
        ({"sample_rate": Decimal("1.5")}, "invalid_sample_rate"),
        ({"sample_rate": Decimal("-0.2")}, "invalid_sample_rate"),
        ({"sample_rate": Invalid("abc")}, "invalid_sample_rate"),
        ({"meter": "api_requests", "quantity": None}, None),
        ({"sample_rate": Decimal("1")}, None),
        ({"shape": "cloudevents", "specversion": "1.0"}, None),
    ],
)
def test_quarantine_reason_precedence(values: dict[str, Any], reason: str | None) -> None:
    assert quarantine_reason(rec(**values), METERS) == reason


def test_visibility_and_conservation_at_an_earlier_as_of() -> None:
    records = [
        rec(1),
        rec(2, event_id="e-2", ingested_at=T0 + timedelta(days=1)),
        rec(3, event_id="e-3", ingested_at=Invalid("yesterday")),
        rec(4, event_id="e-4", ingested_at=T0 + timedelta(days=2), quantity=Decimal(-1)),
        UsageRecord(FILE_A, 5, "blank"),
    ]
    early = truth_of(records, as_of=T0)
    assert early.faults["raw_records"] == 2
    assert (early.faults["accepted_events"], early.faults["quarantined"]) == (1, 1)
    assert early.faults["per_file"][FILE_A] == {
        "raw_records": 2,
        "accepted": 1,
        "duplicates": 0,
        "quarantined": 1,
    }
    assert early.faults["blank_lines"] == 1
    late = truth_of(records, as_of=T0 + timedelta(days=2))
    assert late.faults["raw_records"] == 4
    assert late.faults["quarantined_by_reason"]["invalid_timestamp"] == 1
    assert late.faults["quarantined_by_reason"]["invalid_quantity"] == 1
    assert truth_of(records, as_of=date(2026, 8, 11)).faults["raw_records"] == 2
