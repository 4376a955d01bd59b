"""How landed usage files are read (issue 18, items 6-10, 12, 14, 15, 20): every file by its
exact name, relative names that do not depend on how the landing path is spelled, links only
inside the landing root, gzip by content, lines split on LF only and decoded one by one,
strict JSON, each field from its own value, Parquet identifiers quoted. Each test writes
small landing files by hand, builds what it reads (`USAGE_READING`: the usage records read,
classified, deduplicated and quarantined, with their data tests), and checks conservation per
file and in total."""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import Warehouse, worker_paths
from hostile import (
    AS_OF,
    USAGE_READING,
    assert_conserved,
    cloud_event,
    flat_event,
    jsonl,
    land,
    quarantine,
)
from trueup_tools import PROJECT_DIR
from trueup_tools.duckdb_jsonl import MAX_RECORD_BYTES, SHOWN_BYTES


def accepted(warehouse: Warehouse) -> list[tuple]:
    """(source_file, line_number, event_id, quantity as text) of every accepted record."""
    return warehouse.query(
        """
        select source_file, line_number, event_id, cast(quantity as varchar)
        from intermediate.int_usage_records_classified
        where quarantine_reason is null
        order by 1, 2
        """
    )


def raw_of(warehouse: Warehouse, source_file: str, line_number: int) -> str:
    rows = warehouse.query(
        "select raw_record from ops.fct_usage_quarantine where source_file = ? and line_number = ?",
        [source_file, line_number],
    )
    assert len(rows) == 1, rows
    return rows[0][0]


def write_parquet(path: Path, select_sql: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        literal = str(path).replace("'", "''")
        con.execute(f"copy ({select_sql}) to '{literal}' (format parquet)")
    finally:
        con.close()


# ------------------------------------------------------------------ item 7: exact file names


def test_glob_characters_in_names_are_read_as_exact_names(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    land(landing, "usage/day1/events1.jsonl", jsonl(flat_event("e-1a"), flat_event("e-1b")))
    land(landing, "usage/day1/events[1].jsonl", jsonl(flat_event("e-bracket")))
    land(landing, "usage/day1/batch*.jsonl", jsonl(flat_event("e-star")))
    land(landing, "usage/day1/batch-2.jsonl", jsonl(flat_event("e-b2a"), flat_event("e-b2b")))
    land(landing, "usage/day1/it's {a,b}.jsonl", jsonl(flat_event("e-quote")))
    write_parquet(
        landing / "usage/day1/part?.parquet",
        "select 'e-pq' as event_id, 'api-gw-eu' as producer, 'tenant-001' as tenant_id, "
        "'api_requests' as meter, 1 as quantity, '2026-09-10T12:00:00Z' as event_ts, "
        "'2026-09-10T12:01:00Z' as ingested_at",
    )
    write_parquet(
        landing / "usage/day1/part1.parquet",
        "select 'e-p1' as event_id, 'api-gw-eu' as producer, 'tenant-001' as tenant_id, "
        "'api_requests' as meter, 1 as quantity, '2026-09-10T12:00:00Z' as event_ts, "
        "'2026-09-10T12:01:00Z' as ingested_at",
    )
    warehouse = Warehouse(tmp_path / "w.duckdb", landing)
    warehouse.build(AS_OF, extra=USAGE_READING)
    got = {(f, e) for f, _, e, _ in accepted(warehouse)}
    assert got == {
        ("usage/day1/events1.jsonl", "e-1a"),
        ("usage/day1/events1.jsonl", "e-1b"),
        ("usage/day1/events[1].jsonl", "e-bracket"),
        ("usage/day1/batch*.jsonl", "e-star"),
        ("usage/day1/batch-2.jsonl", "e-b2a"),
        ("usage/day1/batch-2.jsonl", "e-b2b"),
        ("usage/day1/it's {a,b}.jsonl", "e-quote"),
        ("usage/day1/part?.parquet", "e-pq"),
        ("usage/day1/part1.parquet", "e-p1"),
    }
    assert quarantine(warehouse) == []
    assert_conserved(
        warehouse,
        {
            "usage/day1/events1.jsonl": 2,
            "usage/day1/events[1].jsonl": 1,
            "usage/day1/batch*.jsonl": 1,
            "usage/day1/batch-2.jsonl": 2,
            "usage/day1/it's {a,b}.jsonl": 1,
            "usage/day1/part?.parquet": 1,
            "usage/day1/part1.parquet": 1,
        },
    )


# ---------------------------------------------- item 6: relative names, however spelled


@pytest.mark.parametrize("spelling", ["dot", "dotdot", "project_default"])
def test_source_file_is_relative_to_the_root_however_the_path_is_spelled(
    tmp_path: Path, spelling: str
) -> None:
    """landing_path `./x` and `../x` (relative to the project directory), and the default
    landing under `dbt build --project-dir .`: source_file is the path below the root."""
    project = Path(PROJECT_DIR)
    if spelling == "dot":
        # inside the project's git-ignored data/ folder, removed afterwards
        landing = project / "data" / f"hostile-reading-{os.getpid()}-{tmp_path.name}"
        landing_path = "./" + str(landing.relative_to(project))
    elif spelling == "dotdot":
        landing = tmp_path / "x"
        landing_path = os.path.relpath(landing, project)
        assert landing_path.startswith("../")
    else:
        landing = project / "data" / "landing"
        landing_path = None
        if landing.exists():
            pytest.skip("the project's default landing folder exists; it is not touched")
    land(landing, "usage/day1/a.jsonl", jsonl(flat_event("e-day1")))
    land(landing, "usage/day2/a.jsonl", jsonl(flat_event("e-day2"), flat_event("e-day2b")))
    write_parquet(
        landing / "usage/day2/a.parquet",
        "select 'e-pq' as event_id, 'api-gw-eu' as producer, 'tenant-001' as tenant_id, "
        "'api_requests' as meter, 1 as quantity, '2026-09-10T12:00:00Z' as event_ts, "
        "'2026-09-10T12:01:00Z' as ingested_at",
    )
    warehouse = Warehouse(tmp_path / "w.duckdb", landing)
    try:
        if landing_path is not None:
            result = warehouse.dbt(
                "build", as_of=AS_OF, extra=USAGE_READING, landing_path=landing_path
            )
        else:
            previous = os.getcwd()
            os.environ["TRUEUP_DUCKDB_PATH"] = str(warehouse.path)
            saved = os.environ.pop("TRUEUP_LANDING_PATH", None)
            try:
                os.chdir(project)
                args = ["build", "--project-dir", ".", "--profiles-dir", "."]
                args += ["--vars", json.dumps({"as_of": AS_OF}), *worker_paths(), *USAGE_READING]
                from dbt.cli.main import dbtRunner

                outcome = dbtRunner().invoke(args)
                result_ok = outcome.success
            finally:
                os.chdir(previous)
                os.environ.pop("TRUEUP_DUCKDB_PATH", None)
                if saved is not None:
                    os.environ["TRUEUP_LANDING_PATH"] = saved
            assert result_ok
            result = None
        if result is not None:
            assert result.success, result.failures()
        got = {(f, e) for f, _, e, _ in accepted(warehouse)}
        assert got == {
            ("usage/day1/a.jsonl", "e-day1"),
            ("usage/day2/a.jsonl", "e-day2"),
            ("usage/day2/a.jsonl", "e-day2b"),
            ("usage/day2/a.parquet", "e-pq"),
        }
        assert_conserved(
            warehouse,
            {"usage/day1/a.jsonl": 1, "usage/day2/a.jsonl": 2, "usage/day2/a.parquet": 1},
        )
    finally:
        if spelling != "dotdot":
            shutil.rmtree(landing)


def test_a_later_file_with_the_same_name_in_another_folder_is_loaded(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    land(landing, "usage/day1/a.jsonl", jsonl(flat_event("e-day1")))
    # spelled relative to the project directory, through ../
    warehouse = Warehouse(tmp_path / "w.duckdb", Path(os.path.relpath(landing, PROJECT_DIR)))
    warehouse.build(AS_OF, extra=USAGE_READING)
    land(landing, "usage/day2/a.jsonl", jsonl(flat_event("e-day2")))
    warehouse.build(AS_OF, extra=USAGE_READING)
    got = {(f, e) for f, _, e, _ in accepted(warehouse)}
    assert got == {("usage/day1/a.jsonl", "e-day1"), ("usage/day2/a.jsonl", "e-day2")}
    assert_conserved(warehouse, {"usage/day1/a.jsonl": 1, "usage/day2/a.jsonl": 1})


# ------------------------------------------------------------------ item 20: symbolic links


def test_a_link_inside_the_root_is_followed(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    land(landing, "archive/real.jsonl", jsonl(flat_event("e-linked")))
    (landing / "usage" / "day1").mkdir(parents=True)
    (landing / "usage" / "day1" / "linked.jsonl").symlink_to(landing / "archive" / "real.jsonl")
    land(landing, "usage/day1/plain.jsonl", jsonl(flat_event("e-plain")))
    warehouse = Warehouse(tmp_path / "w.duckdb", landing)
    warehouse.build(AS_OF, extra=USAGE_READING)
    got = {(f, e) for f, _, e, _ in accepted(warehouse)}
    assert got == {("usage/day1/linked.jsonl", "e-linked"), ("usage/day1/plain.jsonl", "e-plain")}
    assert_conserved(warehouse, {"usage/day1/linked.jsonl": 1, "usage/day1/plain.jsonl": 1})


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_link_to_outside_the_root_stops_the_build_naming_it(tmp_path: Path, what: str) -> None:
    landing = tmp_path / "landing"
    outside = tmp_path / "secret"
    land(outside, "passwd.jsonl", jsonl(flat_event("e-outside")))
    land(landing, "usage/day1/plain.jsonl", jsonl(flat_event("e-plain")))
    if what == "file":
        link = landing / "usage" / "day1" / "evil.jsonl"
        link.symlink_to(outside / "passwd.jsonl")
    else:
        link = landing / "usage" / "elsewhere"
        link.symlink_to(outside)
    warehouse = Warehouse(tmp_path / "w.duckdb", landing)
    result = warehouse.dbt("build", as_of=AS_OF, extra=USAGE_READING)
    assert not result.success
    message = " ".join(result.failures()) + str(result.exception or "")
    assert str(link.relative_to(landing)) in message, message
    assert str(outside) in message, message
    assert "fct_usage_quarantine" not in warehouse.relations() or not warehouse.query(
        "select * from staging.stg_usage__records where event_id = 'e-outside'"
    )


# ---------------------------------------------------------- item 8: gzip decided by content


def test_gzip_content_is_read_whatever_the_name(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    land(
        landing,
        "usage/day1/zipped.jsonl",
        gzip.compress(jsonl(flat_event("e-gz1"), "", flat_event("e-gz2"))),
    )
    land(landing, "usage/day1/plain.jsonl.gz", jsonl(flat_event("e-plain-gz")))
    land(landing, "usage/day1/real.jsonl.gz", gzip.compress(jsonl(flat_event("e-real-gz"))))
    warehouse = Warehouse(tmp_path / "w.duckdb", landing)
    warehouse.build(AS_OF, extra=USAGE_READING)
    got = {(f, n, e) for f, n, e, _ in accepted(warehouse)}
    assert got == {
        ("usage/day1/zipped.jsonl", 1, "e-gz1"),
        ("usage/day1/zipped.jsonl", 3, "e-gz2"),
        ("usage/day1/plain.jsonl.gz", 1, "e-plain-gz"),
        ("usage/day1/real.jsonl.gz", 1, "e-real-gz"),
    }
    assert_conserved(
        warehouse,
        {
            "usage/day1/zipped.jsonl": 2,
            "usage/day1/plain.jsonl.gz": 1,
            "usage/day1/real.jsonl.gz": 1,
        },
    )


def test_a_broken_gzip_file_stops_the_build_naming_it(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    whole = gzip.compress(jsonl(*(flat_event(f"e-{i}") for i in range(200))))
    land(landing, "usage/day1/cut.jsonl", whole[: len(whole) // 2])
    land(landing, "usage/day1/fine.jsonl", jsonl(flat_event("e-fine")))
    result = Warehouse(tmp_path / "w.duckdb", landing).dbt(
        "build", as_of=AS_OF, extra=USAGE_READING
    )
    assert not result.success
    message = " ".join(result.failures())
    assert "usage/day1/cut.jsonl" in message and "cannot be decompressed" in message, message


# ------------------------------------------- items 9 and 14: bytes never change other lines


def test_control_bytes_invalid_utf8_and_long_lines_are_quarantined_alone(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    unit_separator = json.dumps(flat_event("e-us")).replace('"api-gw-eu"', '"api\\u001f-gw"')
    raw_us = b'{"event_id": "e-raw\x1f", "quantity": 1}'
    long_line = json.dumps(flat_event("e-long", padding="x" * (5 * 1024 * 1024)))
    content = b"".join(
        [
            jsonl(flat_event("e-1")),  # line 1
            unit_separator.encode() + b"\n",  # line 2: 0x1f escaped as \u001f: valid
            b'{"event_id": "e-bad", "tenant_id": "tenant-\xff\xfe"}\n',  # line 3
            raw_us + b"\n",  # line 4: a raw 0x1f inside a string is not JSON
            long_line.encode() + b"\n",  # line 5
            b"\x1f\n",  # line 6
            jsonl(flat_event("e-7", quantity=7)),  # line 7
        ]
    )
    land(landing, "usage/day1/bytes.jsonl", content)
    warehouse = Warehouse(tmp_path / "w.duckdb", landing)
    warehouse.build(AS_OF, extra=USAGE_READING)
    assert [(n, e, q) for _, n, e, q in accepted(warehouse)] == [
        (1, "e-1", "1.000000000"),
        (2, "e-us", "1.000000000"),
        (7, "e-7", "7.000000000"),
    ]
    assert quarantine(warehouse) == [
        ("usage/day1/bytes.jsonl", 3, "malformed_record"),
        ("usage/day1/bytes.jsonl", 4, "malformed_record"),
        ("usage/day1/bytes.jsonl", 5, "malformed_record"),
        ("usage/day1/bytes.jsonl", 6, "malformed_record"),
    ]
    assert raw_of(warehouse, "usage/day1/bytes.jsonl", 3) == (
        '{"event_id": "e-bad", "tenant_id": "tenant-\\xff\\xfe"}'
    )
    assert raw_of(warehouse, "usage/day1/bytes.jsonl", 4) == raw_us.decode()
    long_raw = raw_of(warehouse, "usage/day1/bytes.jsonl", 5)
    assert long_raw.startswith(long_line[:SHOWN_BYTES])
    assert f"truncated: the line has {len(long_line)} bytes" in long_raw
    assert len(long_raw) < SHOWN_BYTES + 200
    assert_conserved(warehouse, {"usage/day1/bytes.jsonl": 7})


def test_crlf_and_lf_mixed_give_physical_line_numbers(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    content = (
        json.dumps(flat_event("e-1")).encode()
        + b"\r\n"
        + json.dumps(flat_event("e-2")).encode()
        + b"\n\r\n"
        + json.dumps(flat_event("e-4")).encode()
        + b"\r\n"
        + b"not json\r\n"
        + json.dumps(flat_event("e-6")).encode()
    )
    land(landing, "usage/day1/mixed.jsonl", content)
    warehouse = Warehouse(tmp_path / "w.duckdb", landing)
    warehouse.build(AS_OF, extra=USAGE_READING)
    assert [(n, e) for _, n, e, _ in accepted(warehouse)] == [
        (1, "e-1"),
        (2, "e-2"),
        (4, "e-4"),
        (6, "e-6"),
    ]
    assert quarantine(warehouse) == [("usage/day1/mixed.jsonl", 5, "malformed_record")]
    assert_conserved(warehouse, {"usage/day1/mixed.jsonl": 5})


def test_the_line_limit_is_exact(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    base = json.dumps(flat_event("e-fits", padding="")).encode()
    fits = base[:-2] + b"y" * (MAX_RECORD_BYTES - len(base)) + b'"}'
    assert len(fits) == MAX_RECORD_BYTES
    over = fits[:-2] + b'y"}'
    land(landing, "usage/day1/limit.jsonl", fits + b"\n" + over + b"\n")
    warehouse = Warehouse(tmp_path / "w.duckdb", landing)
    warehouse.build(AS_OF, extra=USAGE_READING)
    assert [(n, e) for _, n, e, _ in accepted(warehouse)] == [(1, "e-fits")]
    assert quarantine(warehouse) == [("usage/day1/limit.jsonl", 2, "malformed_record")]
    assert_conserved(warehouse, {"usage/day1/limit.jsonl": 2})


# -------------------------------------------------------------- item 12: strict JSON


def test_lenient_json_is_malformed(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    good = json.dumps(flat_event("e-good"))
    lines = [
        good,  # 1
        good[:-1] + ",}",  # 2 trailing comma in the object
        good.replace('"quantity": 1', '"quantity": [1,]'),  # 3 trailing comma in an array
        good.replace('"event_id"', "'event_id'"),  # 4 single quotes
        good[:-1] + ', "event_id": "e-other"}',  # 5 duplicate key
        good.replace('"quantity": 1', '"quantity": 01'),  # 6 leading zero
        good + " // comment",  # 7 comment
        good.replace('"quantity": 1', '"quantity": .5'),  # 8 bare fraction
        good.replace('"tenant-001"', '"tenant-\t001"'),  # 9 raw control character
        good.replace('"tenant-001"', '"\\ud800"'),  # 10 lone surrogate
        good + good,  # 11 two documents
        '{"a": 1,}',  # 12
        json.dumps(flat_event("e-13", quantity="2.5")),  # 13 fine
    ]
    land(landing, "usage/day1/lenient.jsonl", jsonl(*lines))
    warehouse = Warehouse(tmp_path / "w.duckdb", landing)
    warehouse.build(AS_OF, extra=USAGE_READING)
    assert [(n, e) for _, n, e, _ in accepted(warehouse)] == [(1, "e-good"), (13, "e-13")]
    assert quarantine(warehouse) == [
        ("usage/day1/lenient.jsonl", n, "malformed_record") for n in range(2, 13)
    ]
    assert raw_of(warehouse, "usage/day1/lenient.jsonl", 12) == '{"a": 1,}'
    assert_conserved(warehouse, {"usage/day1/lenient.jsonl": 13})


# ------------------------------------------------ item 10: a field's own value, every digit


def test_fields_come_from_their_own_value_only(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    lines = [
        # 1: a nested object holding quantity does not shadow the (invalid) real field
        flat_event("e-1", quantity="abc", extra={"quantity": 5}),
        # 2: a CloudEvents extension attribute named quantity does not shadow data.quantity
        cloud_event("e-2", data={"quantity": "7"}, quantity=3),
        # 3: ... nor does a nested sample_rate shadow the real one
        flat_event("e-3", quantity=10, sample_rate=0.5, meta={"sample_rate": 0.25}),
        # 4: exact digits (24 significant, the most below the supported 10^15), no detour
        # through a binary float
        flat_event("e-4", quantity=0),
        # 5: a key written with an escape is the same key
        flat_event("e-5", quantity=...),
        # 6: a nested quantity only: the record has none
        flat_event("e-6", quantity=..., meter="api_requests", extra={"quantity": 9}),
        # 7: quantity as a nested object: not a number
        flat_event("e-7", quantity={"quantity": 4}),
        # 8: CloudEvents data.sample_rate beside an extension sample_rate
        cloud_event("e-8", data={"quantity": 8, "sample_rate": 0.5}, sample_rate=0.125),
    ]
    text = [json.dumps(line) for line in lines]
    text[3] = text[3].replace('"quantity": 0', '"quantity": 999999999999999.123456789')
    text[4] = text[4][:-1] + ', "quantit\\u0079": 6}'
    land(landing, "usage/day1/nested.jsonl", jsonl(*text))
    warehouse = Warehouse(tmp_path / "w.duckdb", landing)
    warehouse.build(AS_OF, extra=USAGE_READING)
    got = warehouse.query(
        """
        select line_number, quarantine_reason, cast(quantity as varchar),
            cast(sample_rate as double)
        from intermediate.int_usage_records_classified order by line_number
        """
    )
    assert got == [
        (1, "invalid_quantity", None, 1.0),
        (2, None, "7.000000000", 1.0),
        (3, None, "10.000000000", 0.5),
        (4, None, "999999999999999.123456789", 1.0),
        (5, None, "6.000000000", 1.0),
        (6, None, None, 1.0),
        (7, "invalid_quantity", None, 1.0),
        (8, None, "8.000000000", 0.5),
    ]
    assert_conserved(warehouse, {"usage/day1/nested.jsonl": 8})


# ----------------------------------------------- item 15: Parquet identifiers from data


def test_parquet_column_names_are_quoted(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    write_parquet(
        landing / "usage/day1/weird.parquet",
        """
        select * from (values
            ('e-1', 'api-gw-eu', 'tenant-001', 'api_requests', 1, '2026-09-10T12:00:00Z',
             '2026-09-10T12:01:00Z', 'x'),
            ('e-2', 'api-gw-eu', 'tenant-001', 'no-such-meter', 1, '2026-09-10T12:00:00Z',
             '2026-09-10T12:01:00Z', 'y')
        ) as t(event_id, producer, tenant_id, meter, quantity, event_ts, ingested_at, "we""ird")
        """,
    )
    write_parquet(
        landing / "usage/day1/injection.parquet",
        """
        select 'e-3' as event_id, 'api-gw-eu' as producer, 'tenant-001' as tenant_id,
            'api_requests' as meter, 2 as quantity, '2026-09-10T12:00:00Z' as event_ts,
            '2026-09-10T12:01:00Z' as ingested_at, 1 as "x) as y from z; --",
            {'quantity': 5, 'a"b': 1} as data
        """,
    )
    warehouse = Warehouse(tmp_path / "w.duckdb", landing)
    warehouse.build(AS_OF, extra=USAGE_READING)
    assert {(f, e) for f, _, e, _ in accepted(warehouse)} == {
        ("usage/day1/weird.parquet", "e-1"),
        ("usage/day1/injection.parquet", "e-3"),
    }
    assert quarantine(warehouse) == [("usage/day1/weird.parquet", 2, "unknown_meter")]
    assert json.loads(raw_of(warehouse, "usage/day1/weird.parquet", 2))['we"ird'] == "y"
    assert_conserved(warehouse, {"usage/day1/weird.parquet": 2, "usage/day1/injection.parquet": 1})


def test_cloudevents_parquet_with_quoted_data_fields(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    write_parquet(
        landing / "usage/day1/ce.parquet",
        """
        select '1.0' as specversion, 'e-1' as id, 'api-gw-eu' as source,
            'tenant-001' as subject, 'api_requests' as type, '2026-09-10T12:00:00Z' as time,
            '2026-09-10T12:01:00Z' as ingestedat,
            {'we"ird': 1, 'quantity': 3.25::decimal(10, 2), 'sample rate': 9} as data
        """,
    )
    # a data field whose name merely ends in "quantity" is not data.quantity
    write_parquet(
        landing / "usage/day1/ce-count.parquet",
        """
        select '1.0' as specversion, 'e-2' as id, 'api-gw-eu' as source,
            'tenant-001' as subject, 'api_requests' as type, '2026-09-10T12:00:00Z' as time,
            '2026-09-10T12:01:00Z' as ingestedat, {'x quantity': 4} as data
        """,
    )
    warehouse = Warehouse(tmp_path / "w.duckdb", landing)
    warehouse.build(AS_OF, extra=USAGE_READING)
    assert accepted(warehouse) == [
        ("usage/day1/ce-count.parquet", 1, "e-2", None),
        ("usage/day1/ce.parquet", 1, "e-1", "3.250000000"),
    ]
    assert_conserved(warehouse, {"usage/day1/ce.parquet": 1, "usage/day1/ce-count.parquet": 1})


def test_reader_splits_on_lf_only_in_memory() -> None:
    """The line reader alone (no build): LF splits, CR never does, a BOM is ignored."""
    from trueup_tools.duckdb_jsonl import read_lines

    data = b'\xef\xbb\xbf{"a": 1}\r\n\r\n{"b":\r 2}\n\x1f{"c": 3}'
    assert read_lines(io.BytesIO(data)) == [
        {"line_number": 1, "raw_record": '{"a": 1}', "is_readable": True},
        {"line_number": 3, "raw_record": '{"b":\r 2}', "is_readable": True},
        {"line_number": 4, "raw_record": '\x1f{"c": 3}', "is_readable": True},
    ]
