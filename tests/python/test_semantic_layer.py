"""The semantic layer: MetricFlow's `mf query`, run as finance runs it, returns the figures of
the marts. Against a copy of the session's warehouse (the build in this process may hold the
original) and a copy of the project parsed for that copy (mf reads target/ of the project)."""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import Warehouse
from test_contract_seeds import copy_project
from trueup_tools import profiles_dir

MF = Path(sys.executable).with_name("mf")

# One build closes its periods and compares them with themselves: no post-close change yet.
# The copy gets a few, with amounts of many decimals, to have something to add up.
SYNTHETIC_POST_CLOSE_DELTAS = """
insert into finance.fct_post_close_deltas
    (period_start, tenant_id, meter, delta_status, currency, expected_amount_delta,
     billed_amount_delta)
select
    period_start,
    tenant_id,
    meter,
    'modified',
    currency,
    cast(expected_amount * -0.37 as decimal(38, 2)),
    cast(billed_amount * 0.123456789 + 0.000000000000007 as decimal(38, 15))
from finance.fct_trueup_variance
where is_closed and (expected_amount <> 0 or billed_amount <> 0)
"""


@dataclass
class MetricsProject:
    """A project copy whose target/ was parsed for `warehouse`, where `mf` runs."""

    project: Path
    warehouse: Path

    def mf(self, *args: str) -> subprocess.CompletedProcess:
        env = {
            **os.environ,
            "DBT_PROFILES_DIR": str(profiles_dir(self.project)),
            "TRUEUP_DUCKDB_PATH": str(self.warehouse),
            "TRUEUP_TARGET": "duckdb",
        }
        env.pop("DBT_PROJECT_DIR", None)
        result = subprocess.run(
            [str(MF), *args],
            cwd=self.project,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result

    def query(self, metrics: str, group_by: str) -> list[dict[str, str]]:
        """Rows of `mf query --csv` (empty when mf reports an empty result)."""
        out = self.project / f"{metrics}-{group_by}.csv".replace(",", "_")
        result = self.mf("query", "--metrics", metrics, "--group-by", group_by, "--csv", str(out))
        if "empty result set" in result.stdout:
            return []
        with out.open(newline="") as handle:
            return list(csv.DictReader(handle))

    def explain(self, metrics: str, group_by: str) -> str:
        """The SQL MetricFlow runs for the query."""
        return self.mf(
            "query", "--metrics", metrics, "--group-by", group_by, "--explain", "--quiet"
        ).stdout

    def sql(self, sql: str) -> list[dict]:
        """Rows of a query on the warehouse copy, with exact decimals."""
        con = duckdb.connect(str(self.warehouse))
        try:
            cursor = con.execute(sql)
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            con.close()


@pytest.fixture(scope="module")
def metrics_project(built: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> MetricsProject:
    from dbt.cli.main import dbtRunner

    root = tmp_path_factory.mktemp("metrics")
    warehouse = root / "metrics.duckdb"
    built.query("checkpoint")
    shutil.copy(built.path, warehouse)
    con = duckdb.connect(str(warehouse))
    try:
        con.execute(SYNTHETIC_POST_CLOSE_DELTAS)
    finally:
        con.close()

    project = root / "project"
    project.mkdir()
    copy_project(project)
    # the relations in the semantic manifest name the warehouse's catalog (its file name)
    previous = os.environ.get("TRUEUP_DUCKDB_PATH")
    os.environ["TRUEUP_DUCKDB_PATH"] = str(warehouse)
    try:
        parsed = dbtRunner().invoke(
            [
                "parse",
                "--project-dir",
                str(project),
                "--profiles-dir",
                str(profiles_dir(project)),
                "--target",
                "duckdb",
            ]
        )
    finally:
        if previous is None:
            os.environ.pop("TRUEUP_DUCKDB_PATH", None)
        else:
            os.environ["TRUEUP_DUCKDB_PATH"] = previous
    assert parsed.success, parsed.exception
    assert (project / "target" / "semantic_manifest.json").exists()
    return MetricsProject(project=project, warehouse=warehouse)


def month(value: object) -> dt.date:
    """A period as mf prints it (timestamp text) or as DuckDB returns it (date)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.datetime.fromisoformat(str(value)).date()


def keyed(rows: list[dict], *key: str, convert: Callable = lambda v: v) -> dict[tuple, dict]:
    """Rows by their key columns (months normalized), other values converted."""
    out = {}
    for row in rows:
        k = tuple(month(row[c]) if "month" in c or c == "period_start" else row[c] for c in key)
        out[k] = {c: convert(v) for c, v in row.items() if c not in key}
    return out


@pytest.fixture(scope="module")
def expected_billed_variance(metrics_project: MetricsProject) -> dict[tuple, dict]:
    """Reference figures per tenant and month, from the marts in plain SQL, combined in Python
    with exact decimals."""
    expected = {
        (r["tenant_id"], r["period_start"]): r["amount"]
        for r in metrics_project.sql(
            "select tenant_id, period_start, sum(expected_amount) as amount"
            " from finance.fct_expected_charges group by tenant_id, period_start"
        )
    }
    billed = {
        (r["tenant_id"], r["period_start"]): r["amount"]
        for r in metrics_project.sql(
            "select tenant_id, period_start, sum(billed_amount) as amount"
            " from finance.fct_billed_charges group by tenant_id, period_start"
        )
    }
    zero = Decimal(0)
    return {
        key: {
            "expected_amount": expected.get(key, zero),
            "billed_amount": billed.get(key, zero),
            "amount_variance": billed.get(key, zero) - expected.get(key, zero),
        }
        for key in expected.keys() | billed.keys()
    }


METRICS = "expected_amount,billed_amount,amount_variance"
BY_TENANT_AND_MONTH = "tenant,metric_time__month"


def test_mf_query_returns_the_marts_figures(
    metrics_project: MetricsProject, expected_billed_variance: dict[tuple, dict]
) -> None:
    rows = metrics_project.query(METRICS, BY_TENANT_AND_MONTH)
    got = keyed(rows, "tenant", "metric_time__month", convert=float)
    assert got.keys() == expected_billed_variance.keys()
    # mf's result table holds floats: equal to the exact figures converted to float
    want = {
        key: {name: float(value) for name, value in figures.items()}
        for key, figures in expected_billed_variance.items()
    }
    assert got == want
    assert any(f["amount_variance"] != 0 for f in want.values())


def test_metric_sql_is_exact(
    metrics_project: MetricsProject, expected_billed_variance: dict[tuple, dict]
) -> None:
    sql = metrics_project.explain(METRICS, BY_TENANT_AND_MONTH)
    got = keyed(metrics_project.sql(sql), "tenant", "metric_time__month")
    assert got == expected_billed_variance
    assert all(isinstance(v, Decimal) for f in got.values() for v in f.values())


def test_variance_equals_the_trueup_variance_mart(
    metrics_project: MetricsProject, expected_billed_variance: dict[tuple, dict]
) -> None:
    trueup = {
        (r["tenant_id"], r["period_start"]): r["amount_variance"]
        for r in metrics_project.sql(
            "select tenant_id, period_start, sum(amount_variance) as amount_variance"
            " from finance.fct_trueup_variance group by tenant_id, period_start"
        )
    }
    metric = {k: f["amount_variance"] for k, f in expected_billed_variance.items()}
    # the mart also has keys with metered usage only (nothing expected nor billed): variance 0
    for key in trueup.keys() | metric.keys():
        assert trueup.get(key, 0) == metric.get(key, 0), key


def test_variance_by_status(metrics_project: MetricsProject) -> None:
    rows = metrics_project.query(
        "trueup_amount_variance,absolute_variance,trueup_keys", "trueup__status"
    )
    got = keyed(rows, "trueup__status", convert=float)
    want = keyed(
        metrics_project.sql(
            "select status as trueup__status,"
            " sum(amount_variance) as trueup_amount_variance,"
            " sum(abs(amount_variance)) as absolute_variance,"
            " count(*) as trueup_keys"
            " from finance.fct_trueup_variance group by status"
        ),
        "trueup__status",
        convert=float,
    )
    assert got == want
    assert {"matched", "needs_review"} <= {status for (status,) in got}


def test_post_close_deltas(metrics_project: MetricsProject) -> None:
    rows = metrics_project.query(
        "post_close_expected_delta,post_close_billed_delta", BY_TENANT_AND_MONTH
    )
    got = keyed(rows, "tenant", "metric_time__month", convert=float)
    want = keyed(
        metrics_project.sql(
            "select tenant_id as tenant, period_start,"
            " sum(expected_amount_delta) as post_close_expected_delta,"
            " sum(billed_amount_delta) as post_close_billed_delta"
            " from finance.fct_post_close_deltas group by tenant_id, period_start"
        ),
        "tenant",
        "period_start",
        convert=float,
    )
    assert got and got == want
