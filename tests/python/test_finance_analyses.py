"""The finance queries in analyses/ compile against the project and run on a built warehouse,
returning the rows they promise."""

from __future__ import annotations

import pytest

from conftest import Warehouse
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


def test_summary_while_a_build_writes_says_so(built: Warehouse, tmp_path) -> None:
    import shutil
    import subprocess
    import sys

    import duckdb

    copy = tmp_path / "busy.duckdb"
    built.query("checkpoint")
    shutil.copy(built.path, copy)
    writer = duckdb.connect(str(copy))  # holds the file like a running build
    try:
        result = subprocess.run(
            [sys.executable, "-m", "trueup_tools.cli", "summary", "--database", str(copy)],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        writer.close()
    assert result.returncode == 2
    assert "is being written by another process" in result.stderr
    assert "Traceback" not in result.stderr
