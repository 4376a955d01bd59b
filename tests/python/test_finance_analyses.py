"""The finance queries in analyses/ compile against the project and run on a built warehouse,
returning the rows they promise."""

from __future__ import annotations

import csv
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from commands import run_trueup
from conftest import Warehouse, worker_env
from trueup_tools import PROJECT_DIR

ANALYSES = sorted(p.stem for p in (PROJECT_DIR / "analyses").glob("*.sql"))


@pytest.fixture(scope="module")
def compiled(built: Warehouse) -> dict[str, str]:
    """Every analysis compiled by dbt against the built warehouse."""
    result = built.dbt("compile", extra=["--select", "resource_type:analysis"])
    assert result.success, result.exception
    return {node.node.name: node.node.compiled_code for node in result.node_results}


@pytest.mark.parametrize("name", ANALYSES)
def test_analysis_runs(compiled: dict[str, str], built: Warehouse, name: str) -> None:
    rows = built.query(compiled[name])
    if name == "post_close_changes":
        # one build closes and compares against itself: no change since close yet
        expected = built.query("select count(*) from finance.fct_post_close_deltas")[0][0]
        assert len(rows) == expected
    else:
        assert rows, f"{name} returned nothing on the sample data"


def test_review_list_holds_only_exceptions(compiled: dict[str, str], built: Warehouse) -> None:
    statuses = {row[3] for row in built.query(compiled["variances_needing_review"])}
    assert statuses and not statuses & {"matched", "auto_adjust"}


def test_ledger_balance_adds_up(compiled: dict[str, str], built: Warehouse) -> None:
    balances = built.query(compiled["ledger_balance_by_tenant"])
    total = built.query("select sum(amount) from finance.fct_adjustment_ledger")[0][0]
    assert sum(row[3] for row in balances) == total


def copy_of(built: Warehouse, target: Path) -> Path:
    """A copy of the built warehouse that another process may open."""
    built.query("checkpoint")
    shutil.copy(built.path, target)
    return target


def trueup(*args: str, database: Path) -> subprocess.CompletedProcess:
    """The trueup command in a subprocess, against the warehouse `database`."""
    return run_trueup(*args, env={"TRUEUP_DUCKDB_PATH": str(database), **worker_env()})


def test_query_command_returns_the_analysis_rows(
    compiled: dict[str, str], built: Warehouse, tmp_path: Path
) -> None:
    database = copy_of(built, tmp_path / "copy.duckdb")
    out = tmp_path / "balance.csv"
    result = trueup("query", "ledger_balance_by_tenant", "--csv", str(out), database=database)
    assert result.returncode == 0, result.stderr
    with out.open(newline="", encoding="utf-8") as handle:
        rows = [(r["tenant_id"], Decimal(r["net_balance"])) for r in csv.DictReader(handle)]
    expected = [(row[0], row[3]) for row in built.query(compiled["ledger_balance_by_tenant"])]
    assert rows == expected and rows


def test_query_command_passes_vars(built: Warehouse, tmp_path: Path) -> None:
    database = copy_of(built, tmp_path / "copy.duckdb")
    tenant = built.query("select min(tenant_id) from finance.fct_trueup_variance")[0][0]
    out = tmp_path / "statement.csv"
    result = trueup(
        "query",
        "tenant_trueup_statement",
        "--var",
        f"statement_tenant={tenant}",
        "--csv",
        str(out),
        database=database,
    )
    assert result.returncode == 0, result.stderr
    with out.open(newline="", encoding="utf-8") as handle:
        tenants = {r["tenant_id"] for r in csv.DictReader(handle)}
    assert tenants == {tenant}


@pytest.mark.parametrize(
    "command",
    [("summary",), ("query", "variances_needing_review")],
    ids=["summary", "query"],
)
def test_reading_while_a_build_writes_says_so(
    built: Warehouse, tmp_path: Path, command: tuple[str, ...]
) -> None:
    busy = copy_of(built, tmp_path / "busy.duckdb")
    writer = duckdb.connect(str(busy))  # holds the file like a running build
    try:
        result = trueup(*command, database=busy)
    finally:
        writer.close()
    assert result.returncode == 2
    assert "is being written by another process" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_unknown_query_lists_the_queries(built: Warehouse) -> None:
    result = trueup("query", "top_secret", database=built.path)
    assert result.returncode == 2
    assert "unknown query 'top_secret'" in result.stderr
    assert all(name in result.stderr for name in ANALYSES)
