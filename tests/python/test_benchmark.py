"""Tests of `trueup benchmark`: how it reads dbt's SQL times, and a small run end to end whose
warehouse must equal the floor and the landed files. Correctness only: the benchmark's timings
are its own output, never asserted here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from trueup_tools.benchmark import (
    helper_env,
    is_dbt_upkeep,
    read_query_times,
    run_floor,
    warm_file_cache,
)

COMMENT = '/* {"app": "dbt", "node_id": "model.trueup.x"} */\n'


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("BEGIN", True),
        ("ROLLBACK", True),
        (
            "select schema_name from system.information_schema.schemata "
            "where lower(catalog_name) = '\"warehouse\"'",
            True,
        ),
        (
            "select 'warehouse' as database, table_name as name from "
            "system.information_schema.tables where lower(table_schema) = 'finance'",
            True,
        ),
        ("select type from duckdb_databases() where lower(database_name)='warehouse'", True),
        ("select table_name, constraint_type from duckdb_constraints() where true", True),
        (
            "select column_name, column_type as data_type from "
            '(describe "stg_usage__records__dbt_tmp1")',
            True,
        ),
        ("DESCRIBE (select * from ( with x as (select 1) select * from x ) as model_subq)", True),
        ('create schema if not exists "warehouse"."ops"', True),
        ('comment on column "warehouse"."ops"."q".source_file is $$x$$', True),
        ('alter view "warehouse"."ops"."d__dbt_tmp" rename to "d"', True),
        ('drop view if exists "warehouse"."ops"."d__dbt_backup" cascade', True),
        # the models' own work, also when it is a compile-time query
        ("COMMIT", False),
        ('create temporary table "t__dbt_tmp1" as (select 1)', False),
        ('insert into "warehouse"."staging"."s" ("a") (select a from t)', False),
        ('MERGE INTO "warehouse"."intermediate"."r" AS DBT_INTERNAL_DEST USING t', False),
        ('delete from "warehouse"."ops"."fct_usage_quarantine"', False),
        ("describe select * from read_parquet('/l/usage/a.parquet')", False),
        ('select strftime(max(loaded_at), \'%Y\') from "warehouse"."i"."f"', False),
        ('create view "warehouse"."finance"."f__dbt_tmp" as (select 1)', False),
    ],
)
def test_is_dbt_upkeep(sql: str, expected: bool) -> None:
    assert is_dbt_upkeep(sql) is expected
    assert is_dbt_upkeep(COMMENT + sql) is expected


def _event(name: str, node: str | None, **data: object) -> str:
    node_info = {"node_name": node} if node else {}
    return json.dumps({"info": {"name": name}, "data": {**data, "node_info": node_info}})


def test_read_query_times_pairs_each_time_with_its_statement(tmp_path: Path) -> None:
    """Interleaved nodes: each SQLQueryStatus belongs to its node's latest SQLQuery."""
    log = tmp_path / "dbt.log"
    lines = [
        "not json: a plain text line",
        _event("SQLQuery", None, sql=COMMENT + "select schema_name from information_schema.x"),
        _event("SQLQueryStatus", None, elapsed=0.25),
        _event("SQLQuery", "a", sql=COMMENT + "BEGIN"),
        _event("SQLQuery", "b", sql=COMMENT + "create temporary table t as (select 1)"),
        _event("SQLQueryStatus", "a", elapsed=0.125),
        _event("SQLQuery", "a", sql="insert into x select 1"),
        _event("SQLQueryStatus", "b", elapsed=2.0),
        _event("SQLQueryStatus", "a", elapsed=0.5),
        _event("SQLQuery", "b", sql="COMMIT"),
        _event("SQLQueryStatus", "b", elapsed=1.0),
        _event("MainReportVersion", None, version="1.11.16"),
    ]
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")

    times = read_query_times(log)

    assert times.per_node == {"(run)": 0.25, "a": 0.625, "b": 3.0}
    assert times.total_s == 3.875
    assert times.upkeep_s == 0.375


def test_warm_file_cache_reads_every_byte(tmp_path: Path) -> None:
    sizes = [0, 1, 5, 4096 + 3]
    files = []
    for index, size in enumerate(sizes):
        path = tmp_path / f"f{index}.parquet"
        path.write_bytes(bytes(index for _ in range(size)))
        files.append(path)
    assert warm_file_cache(files, chunk=1024) == sum(sizes)


def test_run_floor_names_an_unknown_variant(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown floor variant 'fast'"):
        run_floor(tmp_path / "f.duckdb", "t", tmp_path, tmp_path / "meters.csv", 1, variant="fast")
    assert not (tmp_path / "f.duckdb").exists()


@pytest.mark.slow
def test_small_benchmark_equals_floor_and_landed_files(tmp_path: Path) -> None:
    """A small run: generate, full build and floor twice each, a run with nothing new, one more
    day, incremental build and floor again. The benchmark itself compares the warehouse with the
    floor; here the report must say so, and the counts must agree with the landed Parquet files
    read directly."""
    workdir = tmp_path / "bench"
    command = [
        sys.executable, "-m", "trueup_tools.benchmark",
        "--events", "20000", "--days", "4", "--tenants", "12", "--repeat", "2",
        "--workdir", str(workdir),
    ]  # fmt: skip
    completed = subprocess.run(
        command, env=helper_env(), capture_output=True, text=True, check=False, timeout=600
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]

    report = json.loads((workdir / "benchmark.json").read_text(encoding="utf-8"))
    assert report["correct"] is True
    assert [check["match"] for check in report["checks"]] == [True] * 5
    assert report["checks"][3]["name"].startswith("(b0)")  # a run with nothing new changed nothing
    last = report["checks"][-1]
    assert last["only_in_warehouse"] == 0 and last["only_in_floor"] == 0
    assert last["rows_warehouse"] == last["rows_floor"] > 0

    parquet = str(workdir / "landing" / "usage" / "**" / "*.parquet")
    con = duckdb.connect()
    records, keys = con.execute(
        "select count(*), count(distinct (producer, event_id)) from read_parquet(?)", [parquet]
    ).fetchall()[0]
    con.close()
    assert records == report["records_landed"] + report["records_extra_day"]
    assert last["duplicates_listed"] == last["duplicates_floor"] == records - keys > 0

    con = duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True)
    events, duplicates = con.execute(
        "select sum(event_count), sum(duplicate_count) from finance.fct_usage_daily"
    ).fetchall()[0]
    con.close()
    assert (events, duplicates) == (keys, records - keys)

    steps = {step["name"]: step for step in report["steps"]}
    for name in ("(a) full build", "(c) floor"):
        runs = steps[name]["runs_sql_s"]
        assert len(runs) == 2 and steps[name]["sql_s"] == min(runs)  # the lower middle of two
        assert steps[name]["note"].startswith("median of 2 runs")
    for name in ("(a) full build", "(b) incremental day"):
        assert 0 < steps[name]["upkeep_s"] < steps[name]["sql_s"]
        assert steps[name]["model_sql_s"] > 0
    assert any(r["name"] == "incremental / full (model SQL)" for r in report["ratios"])
    persisted = steps["(c') floor persisting records"]
    assert persisted["rows"] == report["checks"][0]["rows_floor"]
    assert persisted["note"].startswith("copies every landed row into a table")
    info = next(r for r in report["ratios"] if r["name"].startswith("full / floor persisting"))
    assert info["status"] == "info" and info["value"] > 0
    # the floor with the textbook dedupe: same rows (checked above), its own info ratio
    assert report["checks"][2]["name"] == "(a) vs floor with row_number() dedupe"
    textbook = steps["(c'') floor, row_number() dedupe"]
    assert textbook["rows"] == report["checks"][0]["rows_floor"] and textbook["sql_s"] > 0
    info = next(r for r in report["ratios"] if r["name"].startswith("full / floor with row_"))
    assert info["status"] == "info"
    assert info["value"] == pytest.approx(steps["(a) full build"]["sql_s"] / textbook["sql_s"])
    # a run with nothing new: every model ran, and the day's share is what (b) adds to it
    idle = steps["(b0) incremental, nothing new"]
    assert idle["returncode"] == 0 and idle["sql_s"] > 0
    assert set(idle["nodes"]) >= {"stg_usage__records", "int_usage_daily_rolled_up"}
    marginal = next(r for r in report["ratios"] if r["name"].startswith("(incremental - nothing"))
    assert marginal["status"] == "info"
    day, full = steps["(b) incremental day"], steps["(a) full build"]
    expected = (day["sql_s"] - idle["sql_s"]) / full["sql_s"]
    assert marginal["value"] == (pytest.approx(expected) if expected else None)
    # the data tests ran (and passed: a failing test fails the benchmark) in both windows
    for name in ("(d) data tests, default window", "(d) data tests, whole history"):
        assert {
            "assert_usage_daily_matches_events",
            "assert_usage_records_conserved",
            "unique_combination_of_columns_stg_usage__records_source_file__line_number",
        } <= set(steps[name]["nodes"]), steps[name]["nodes"]
