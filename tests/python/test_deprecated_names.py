"""The ops marts' old names (issue 20 item 4): each stays one release as a deprecated view of its
renamed mart, and a warehouse built before the rename keeps its books.

usage_quarantine, usage_duplicates, billing_tieout, billing_unmapped_lines, ledger_heads and
build_log became fct_<name>. The old name is a view `select * from` the new mart in the same
schema and group, with a deprecation_date (dbt warns every project that refs it). Two of them
are append-only books: a warehouse built before the rename holds their rows in tables under the
old names, which the views replace; the first build of the new code carries every row over into
the renamed book first (trueup_carry_legacy_books), and no later build, --full-refresh
included, rewrites them.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest

from conftest import Warehouse, parsed_manifest
from hostile import AS_OF, land
from test_hostile_books import (
    FOCUS_EXPORT,
    OCTOBER_EVENTS,
    SEPTEMBER_EVENTS,
    focus_export,
    october_events,
    september_events,
)
from trueup_tools import PROJECT_DIR
from trueup_tools.runner import DbtResult

RENAMED = {
    "usage_quarantine": "fct_usage_quarantine",
    "usage_duplicates": "fct_usage_duplicates",
    "billing_tieout": "fct_billing_tieout",
    "billing_unmapped_lines": "fct_billing_unmapped_lines",
    "ledger_heads": "fct_ledger_heads",
    "build_log": "fct_build_log",
}
BOOKS = ("ledger_heads", "build_log")
# the last commit with the old names: a warehouse built by it has the books under them
BEFORE_RENAME = "da95c8a"


def node(manifest: Any, name: str) -> Any:
    return manifest.nodes[f"model.trueup.{name}"]


def test_each_old_name_is_a_deprecated_view_of_its_mart(tmp_path: Path) -> None:
    manifest = parsed_manifest(str(tmp_path / "landing"), tmp_path / "w.duckdb")
    assert manifest is not None
    today = dt.date.today()
    for old, new in RENAMED.items():
        view, mart = node(manifest, old), node(manifest, new)
        assert view.config.materialized == "view", old
        assert view.depends_on.nodes == [f"model.trueup.{new}"], old
        assert view.deprecation_date is not None, old
        assert view.deprecation_date.date() > today, (old, view.deprecation_date)
        assert mart.deprecation_date is None, new
        assert new in view.description, old
        assert (view.schema, view.group, view.access) == (mart.schema, mart.group, mart.access)
        assert list(view.columns) == list(mart.columns), old


def test_each_old_name_equals_its_mart_row_for_row(built: Warehouse) -> None:
    for old, new in RENAMED.items():
        rows = built.query(f"select count(*) from ops.{new}")[0][0]
        assert rows > 0, new  # the session's data has quarantine, duplicates, unmapped lines
        assert built.query(f"select count(*) from ops.{old}")[0][0] == rows, old
        for left, right in ((old, new), (new, old)):
            extra = built.query(
                f"select count(*) from (select * from ops.{left} except all"
                f" select * from ops.{right})"
            )
            assert extra == [(0,)], (left, right)
        assert built.query(
            "select table_type from information_schema.tables"
            " where table_schema = 'ops' and table_name = ?",
            [old],
        ) == [("VIEW",)], old


# ------------------------------------------------- a warehouse built before the rename


def old_project(root: Path) -> Path:
    """The project as of BEFORE_RENAME (old names), extracted from git, or skip when this
    checkout has no such history (a shallow clone)."""
    found = subprocess.run(
        ["git", "-C", str(PROJECT_DIR), "cat-file", "-e", f"{BEFORE_RENAME}^{{commit}}"],
        capture_output=True,
    )
    if found.returncode != 0:
        pytest.skip(f"commit {BEFORE_RENAME} is not in this checkout (shallow clone)")
    archive = subprocess.run(
        ["git", "-C", str(PROJECT_DIR), "archive", "--format=tar", BEFORE_RENAME],
        capture_output=True,
        check=True,
    ).stdout
    project = root / "before-rename"
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(project, filter="data")
    return project


def build_old(project: Path, warehouse: Warehouse, as_of: str) -> DbtResult:
    """`dbt build` of the old project against the test's warehouse and landing (the caller
    points TRUEUP_DUCKDB_PATH at the warehouse)."""
    from dbt.cli.main import dbtRunner

    dbt_vars = {"landing_path": str(warehouse.landing), "as_of": as_of}
    dirs = ["--project-dir", "--profiles-dir", "--target-path", "--log-path"]
    values = [project, project, project / "target", project / "logs"]
    flags = [part for flag, value in zip(dirs, values, strict=True) for part in (flag, str(value))]
    outcome = dbtRunner().invoke(
        ["build", *flags, "--exclude-resource-type", "unit_test", "--vars", json.dumps(dbt_vars)]
    )
    results = list(outcome.result.results) if outcome.result is not None else []
    return DbtResult(outcome.success, outcome.exception, results)


def rows(warehouse: Warehouse, relation: str) -> set[tuple]:
    return set(warehouse.query(f"select * from {relation}"))


def table_type(warehouse: Warehouse, name: str) -> str | None:
    found = warehouse.query(
        "select table_type from information_schema.tables"
        " where table_schema = 'ops' and table_name = ?",
        [name],
    )
    return found[0][0] if found else None


def test_an_upgrade_keeps_the_books_built_under_the_old_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    landing = tmp_path / "landing"
    land(landing, SEPTEMBER_EVENTS, september_events())
    land(landing, OCTOBER_EVENTS, october_events())
    land(landing, FOCUS_EXPORT, focus_export())
    warehouse = Warehouse(tmp_path / "w.duckdb", landing)
    project = old_project(tmp_path)
    monkeypatch.setenv("TRUEUP_DUCKDB_PATH", str(warehouse.path))
    # September closes and books at AS_OF; a later build books nothing new
    result = build_old(project, warehouse, "2026-10-05T12:00:00")
    assert result.success, (result.failures(), result.exception)
    old_result = build_old(project, warehouse, AS_OF)
    assert old_result.success, (old_result.failures(), old_result.exception)
    before = {name: rows(warehouse, f"ops.{name}") for name in BOOKS}
    assert {name: table_type(warehouse, name) for name in BOOKS} == dict.fromkeys(
        BOOKS, "BASE TABLE"
    )
    assert len(before["ledger_heads"]) == 2 and len(before["build_log"]) == 2
    ledger = warehouse.query("select count(*) from finance.fct_adjustment_ledger")[0][0]
    assert ledger > 0

    warehouse.build(AS_OF)
    for name in BOOKS:
        assert table_type(warehouse, name) == "VIEW", name
        assert table_type(warehouse, RENAMED[name]) == "BASE TABLE", name
        after = rows(warehouse, f"ops.{RENAMED[name]}")
        assert before[name] < after, name  # every old row, exactly, and this build's
        assert len(after) == len(before[name]) + 1, name
        assert rows(warehouse, f"ops.{name}") == after, name
    # nothing booked twice, and the newest head (this build's) is the ledger's
    assert warehouse.query("select count(*) from finance.fct_adjustment_ledger")[0][0] == ledger
    newest = warehouse.query(
        "select entry_count from ops.fct_ledger_heads order by recorded_at desc limit 1"
    )
    assert newest == [(ledger,)]

    # a rerun and a --full-refresh carry nothing twice and rewrite nothing
    carried = {name: rows(warehouse, f"ops.{RENAMED[name]}") for name in BOOKS}
    warehouse.build(AS_OF, extra=["--full-refresh"])
    for name in BOOKS:
        again = rows(warehouse, f"ops.{RENAMED[name]}")
        assert carried[name] < again and len(again) == len(carried[name]) + 1, name
