"""The semantic layer: MetricFlow's `mf query`, run as finance runs it, returns the figures of
the marts. Against a copy of the session's warehouse (the build in this process may hold the
original) and a copy of the project parsed for that copy (mf reads target/ of the project)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

import trueup_tools
from commands import run_trueup
from conftest import Dataset, Warehouse
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
where is_closed and (expected_amount <> 0 or billed_amount <> 0);

-- a month of its own whose billed deltas add up to a figure floats cannot hold: as floats
-- 0.1 + 0.2 + 194.675 is 194.97500000000002, and 194.975000000000001 is 194.975
insert into finance.fct_post_close_deltas
    (period_start, tenant_id, meter, delta_status, currency, expected_amount_delta,
     billed_amount_delta)
values
    (date '2026-01-01', 'tenant-001', 'api_requests', 'modified', 'USD', 0.00, 0.1),
    (date '2026-01-01', 'tenant-001', 'compute_hours', 'modified', 'USD', 0.00, 0.2),
    (date '2026-01-01', 'tenant-001', 'egress_gb', 'modified', 'USD', 0.00,
     cast('194.675000000000001' as decimal(38, 15)));
"""
FLOAT_MONTH = "2026-01-01"
FLOAT_MONTH_BILLED_DELTA = Decimal("194.975000000000001")


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

    def trueup_metrics(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """`trueup metrics ARGS` (the code under test) on the copy's manifest and, unless ARGS
        name one, its warehouse."""
        result = run_trueup(
            "metrics",
            *args,
            *(() if "--warehouse" in args else ("--warehouse", str(self.warehouse))),
            "--semantic-manifest",
            str(self.project / "target" / "semantic_manifest.json"),
            cwd=self.project,
            drop=("TRUEUP_DUCKDB_PATH",),
        )
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    def exact_csv(self, *args: str) -> list[dict[str, str]]:
        """Rows of `trueup metrics ARGS --csv`, as the text the file holds."""
        out = self.project / "exact.csv"
        result = self.trueup_metrics(*args, "--csv", str(out))
        rows = read_csv(out)
        assert f"{len(rows)} rows written to {out}" in result.stdout
        return rows

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
        for statement in SYNTHETIC_POST_CLOSE_DELTAS.split(";"):
            if statement.strip():
                con.execute(statement)
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


# ------------------------------------------------- dimensions: tenant and meter, with attributes

TENANT_DIMENSIONS = {
    "tenant__contract_currency",
    "tenant__contract_id",
    "tenant__has_contract",
    "tenant__is_under_contract",
    "tenant__has_minimum_commitment",
    "tenant__first_contract_date",
}
METER_DIMENSIONS = {"meter__unit", "meter__aggregation", "meter__meter_type"}


def manifest_metrics(project: MetricsProject) -> list[str]:
    manifest = json.loads((project.project / "target" / "semantic_manifest.json").read_text())
    return sorted(metric["name"] for metric in manifest["metrics"])


def listed(output: str) -> dict[str, set[str]]:
    """`• name: a, b, c` lines of `mf list metrics` as {name: {a, b, c}}."""
    out = {}
    for line in output.splitlines():
        if line.startswith("• ") and ": " in line:
            name, _, items = line[2:].partition(": ")
            out[name.strip()] = {item.strip() for item in items.split(",")}
    return out


def test_every_metric_lists_tenant_and_meter_dimensions(metrics_project: MetricsProject) -> None:
    names = manifest_metrics(metrics_project)
    assert len(names) == 9
    shown = listed(metrics_project.mf("list", "metrics", "--show-all-dimensions").stdout)
    assert sorted(shown) == names
    for name in names:
        missing = (TENANT_DIMENSIONS | METER_DIMENSIONS | {"metric_time"}) - shown[name]
        assert not missing, (name, missing)
    # the derived metric too (it had only metric_time before the dimension models)
    dimensions = metrics_project.mf("list", "dimensions", "--metrics", "amount_variance").stdout
    assert all(f"• {d}\n" in dimensions for d in TENANT_DIMENSIONS | METER_DIMENSIONS)
    entities = metrics_project.mf("list", "entities", "--metrics", ",".join(names)).stdout
    assert "• tenant\n" in entities and "• meter\n" in entities


def current_versions(contracts_csv: Path, as_of: dt.date) -> dict[str, dict[str, str]]:
    """Per tenant, the contract version dim_tenants describes: in force on `as_of`, else the
    latest started before it, else the first to start later (computed from the seed)."""
    by_tenant: dict[str, list[dict[str, str]]] = {}
    with contracts_csv.open(newline="") as handle:
        for row in csv.DictReader(handle):
            by_tenant.setdefault(row["tenant_id"].strip(), []).append(row)
    out = {}
    for tenant, versions in by_tenant.items():
        started = [v for v in versions if dt.date.fromisoformat(v["effective_from"]) <= as_of]
        if started:
            current = max(started, key=lambda v: v["effective_from"])
        else:
            current = min(versions, key=lambda v: v["effective_from"])
        ends = current["effective_to"].strip()
        out[tenant] = {
            "contract_id": current["contract_id"].strip(),
            "contract_version": int(current["contract_version"]),
            "contract_currency": current["currency"].strip().upper(),
            "discount_pct": Decimal(current["discount_pct"] or 0),
            "minimum_commitment": Decimal(current["minimum_commitment"])
            if current["minimum_commitment"].strip()
            else None,
            "has_contract": True,
            "is_under_contract": bool(started)
            and (not ends or dt.date.fromisoformat(ends) > as_of),
            "has_minimum_commitment": bool(current["minimum_commitment"].strip())
            and Decimal(current["minimum_commitment"]) > 0,
            "first_contract_date": min(
                dt.date.fromisoformat(v["effective_from"]) for v in versions
            ),
        }
    return out


def test_dimension_marts_describe_every_tenant_and_meter(
    metrics_project: MetricsProject, dataset: Dataset
) -> None:
    as_of = dt.datetime.fromisoformat(dataset.as_of).date()
    dims = {
        r.pop("tenant_id"): r for r in metrics_project.sql("select * from semantic.dim_tenants")
    }
    contracts = current_versions(metrics_project.project / "seeds" / "contracts.csv", as_of)
    for tenant, want in contracts.items():
        assert dims[tenant] == want, tenant
    without = {
        "contract_id": None,
        "contract_version": None,
        "contract_currency": None,
        "discount_pct": None,
        "minimum_commitment": None,
        "has_contract": False,
        "is_under_contract": False,
        "has_minimum_commitment": False,
        "first_contract_date": None,
    }
    assert {t: d for t, d in dims.items() if t not in contracts} == dict.fromkeys(
        dims.keys() - contracts.keys(), without
    )
    facts = ("fct_expected_charges", "fct_billed_charges", "fct_trueup_variance")
    keys = " union ".join(f"select tenant_id, meter from finance.{fact}" for fact in facts)
    fact_keys = metrics_project.sql(keys)
    # the data set has a tenant without a contract and one whose contract has ended
    assert {r["tenant_id"] for r in fact_keys} <= dims.keys()
    assert any(not d["has_contract"] for d in dims.values())
    assert any(d["has_contract"] and not d["is_under_contract"] for d in dims.values())

    meters = {r.pop("meter"): r for r in metrics_project.sql("select * from semantic.dim_meters")}
    with (metrics_project.project / "seeds" / "meters.csv").open(newline="") as handle:
        seed = {
            row["meter"]: {
                "meter_type": "usage",
                "unit": row["unit"],
                "aggregation": row["aggregation"],
                "description": row["description"],
            }
            for row in csv.DictReader(handle)
        }
    commitment = meters.pop("commitment_true_up")
    assert commitment.pop("description")
    assert commitment == {"meter_type": "commitment_true_up", "unit": None, "aggregation": None}
    assert meters == seed
    assert {r["meter"] for r in fact_keys} <= seed.keys() | {"commitment_true_up"}


# ------------------------------------------------------- trueup metrics: the exact CSV path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def as_text(value: object) -> str:
    """A key value as DuckDB writes it to CSV."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def exact(rows: list[dict[str, str]], keys: tuple[str, ...]) -> dict[tuple, dict[str, Decimal]]:
    """CSV rows by their key columns; the figures parsed as Decimal (never float)."""
    out: dict[tuple, dict[str, Decimal]] = {}
    for row in rows:
        key = tuple(row[k] for k in keys)
        assert key not in out, key
        out[key] = {name: Decimal(value) for name, value in row.items() if name not in keys}
    return out


def reference(
    project: MetricsProject, keys: tuple[str, ...], *queries: str
) -> dict[tuple, dict[str, Decimal]]:
    """Figures per key from plain SQL over the marts, one query per measure source, combined
    with exact decimals; a metric missing for a key is 0 (the metrics fill nulls with 0)."""
    parts = []
    for sql in queries:
        part = {}
        for row in project.sql(sql):
            key = tuple(as_text(row.pop(k)) for k in keys)
            part[key] = row
        parts.append(part)
    names = [name for part in parts for name in next(iter(part.values()), {})]
    out = {}
    for key in set().union(*parts):
        figures = {}
        for part in parts:
            figures.update(part.get(key, {}))
        out[key] = {name: Decimal(figures.get(name, 0)) for name in names}
    return out


def test_exact_csv_by_tenant_and_month(
    metrics_project: MetricsProject, expected_billed_variance: dict[tuple, dict]
) -> None:
    rows = metrics_project.exact_csv(
        "--metrics", METRICS, "--group-by", BY_TENANT_AND_MONTH, "--order", "tenant"
    )
    got = exact(rows, ("tenant", "metric_time__month"))
    want = {
        (tenant, period.isoformat()): figures
        for (tenant, period), figures in expected_billed_variance.items()
    }
    assert got == want
    assert [r["tenant"] for r in rows] == sorted(r["tenant"] for r in rows)
    # the billed amounts keep the exports' 15 decimals, as the mart holds them
    assert all(len(r["billed_amount"].partition(".")[2]) == 15 for r in rows)
    assert all(len(r["expected_amount"].partition(".")[2]) == 2 for r in rows)


def test_exact_csv_of_post_close_deltas(metrics_project: MetricsProject) -> None:
    rows = metrics_project.exact_csv(
        "--metrics",
        "post_close_expected_delta,post_close_billed_delta",
        "--group-by",
        BY_TENANT_AND_MONTH,
    )
    keys = ("tenant", "metric_time__month")
    want = reference(
        metrics_project,
        keys,
        "select tenant_id as tenant, period_start as metric_time__month,"
        " sum(expected_amount_delta) as post_close_expected_delta,"
        " sum(billed_amount_delta) as post_close_billed_delta"
        " from finance.fct_post_close_deltas group by all",
    )
    got = exact(rows, keys)
    assert got == want
    # the synthetic deltas have 15 significant decimals: floats would not give them back
    assert any(
        Decimal(repr(float(f["post_close_billed_delta"]))) != f["post_close_billed_delta"]
        for f in got.values()
    )
    # default order: the group-by items as given
    assert [tuple(r[k] for k in keys) for r in rows] == sorted(
        tuple(r[k] for k in keys) for r in rows
    )


def test_exact_csv_by_status(metrics_project: MetricsProject) -> None:
    keys = ("trueup__status",)
    got = exact(
        metrics_project.exact_csv(
            "--metrics",
            "trueup_amount_variance,absolute_variance,trueup_keys",
            "--group-by",
            "trueup__status",
        ),
        keys,
    )
    want = reference(
        metrics_project,
        keys,
        "select status as trueup__status,"
        " sum(amount_variance) as trueup_amount_variance,"
        " sum(abs(amount_variance)) as absolute_variance,"
        " count(*) as trueup_keys"
        " from finance.fct_trueup_variance group by status",
    )
    assert got == want
    assert {"matched", "needs_review"} <= {status for (status,) in got}


def test_exact_csv_by_tenant_and_meter_attributes(metrics_project: MetricsProject) -> None:
    keys = ("tenant__contract_currency", "meter__unit")
    group_by = ",".join(keys)
    rows = metrics_project.exact_csv(
        "--metrics", "expected_amount,billed_amount,amount_variance", "--group-by", group_by
    )
    got = exact(rows, keys)
    by_attributes = (
        "select tenants.contract_currency as tenant__contract_currency,"
        " meters.unit as meter__unit, sum({column}) as {name}"
        " from finance.{fact} as facts"
        " left join semantic.dim_tenants as tenants on facts.tenant_id = tenants.tenant_id"
        " left join semantic.dim_meters as meters on facts.meter = meters.meter"
        " group by all"
    )
    want = reference(
        metrics_project,
        keys,
        by_attributes.format(
            column="expected_amount", name="expected_amount", fact="fct_expected_charges"
        ),
        by_attributes.format(
            column="billed_amount", name="billed_amount", fact="fct_billed_charges"
        ),
    )
    for figures in want.values():
        figures["amount_variance"] = figures["billed_amount"] - figures["expected_amount"]
    assert got == want
    # several currencies and units, the NULL unit of commitment true-ups and the NULL currency
    # of tenants without a contract included
    assert {"USD", "EUR", ""} <= {currency for currency, _ in got}
    assert {"hour", "gigabyte", ""} <= {unit for _, unit in got}


def test_a_figure_floats_would_round_survives(metrics_project: MetricsProject) -> None:
    query = (
        "--metrics",
        "post_close_billed_delta",
        "--group-by",
        "metric_time__month",
        "--where",
        f"{{{{ TimeDimension('metric_time', 'month') }}}} = '{FLOAT_MONTH}'",
    )
    rows = metrics_project.exact_csv(*query)
    assert rows == [
        {
            "metric_time__month": FLOAT_MONTH,
            "post_close_billed_delta": str(FLOAT_MONTH_BILLED_DELTA),
        }
    ]
    # the same figure through floats: the parts do not add up, the total loses its last digit
    assert 0.1 + 0.2 + 194.675 != 194.975
    assert Decimal(repr(float(FLOAT_MONTH_BILLED_DELTA))) != FLOAT_MONTH_BILLED_DELTA
    # ... which is what mf's own CSV gives
    mf_out = metrics_project.project / "mf.csv"
    metrics_project.mf("query", *query, "--decimals", "15", "--csv", str(mf_out))
    (mf_row,) = read_csv(mf_out)
    assert Decimal(mf_row["post_close_billed_delta"]) != FLOAT_MONTH_BILLED_DELTA
    # without --csv the table is printed, exact too
    printed = metrics_project.trueup_metrics(*query).stdout
    assert str(FLOAT_MONTH_BILLED_DELTA) in printed


def test_explain_prints_the_sql_that_is_run(metrics_project: MetricsProject) -> None:
    sql = metrics_project.trueup_metrics(
        "--metrics", METRICS, "--group-by", BY_TENANT_AND_MONTH, "--explain"
    ).stdout
    rows = metrics_project.sql(sql)
    got = exact(
        [{k: as_text(v) for k, v in r.items()} for r in rows], ("tenant", "metric_time__month")
    )
    want = exact(
        metrics_project.exact_csv("--metrics", METRICS, "--group-by", BY_TENANT_AND_MONTH),
        ("tenant", "metric_time__month"),
    )
    assert got == want


def test_trueup_metrics_errors_are_clear(metrics_project: MetricsProject, tmp_path: Path) -> None:
    unknown = metrics_project.trueup_metrics(
        "--metrics", "expected_amont", "--group-by", "tenant", check=False
    )
    assert unknown.returncode == 2
    assert "does not exactly match any known metrics" in unknown.stderr
    assert "expected_amount" in unknown.stderr and "Traceback" not in unknown.stderr
    bad_dimension = metrics_project.trueup_metrics(
        "--metrics", "expected_amount", "--group-by", "tenant__colour", check=False
    )
    assert bad_dimension.returncode == 2 and "tenant__contract_currency" in bad_dimension.stderr

    semantic_manifest = str(metrics_project.project / "target" / "semantic_manifest.json")
    missing = tmp_path / "missing.duckdb"
    result = run_trueup(
        "metrics", "--metrics", "expected_amount", "--warehouse", str(missing),
        "--semantic-manifest", semantic_manifest,
    )  # fmt: skip
    assert result.returncode == 2 and f"no warehouse at {missing}" in result.stderr
    assert not missing.exists()

    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    result = run_trueup(
        "metrics", "--metrics", "expected_amount", "--warehouse", str(empty),
        "--semantic-manifest", semantic_manifest,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "lacks a mart the metrics read" in result.stderr and "Traceback" not in result.stderr


# --------------------------------------------------------------- the examples of docs/metrics.md

DOCS = Path(trueup_tools.__file__).resolve().parents[2] / "docs" / "metrics.md"


def documented_commands() -> list[list[str]]:
    """The `mf` and `trueup metrics` commands of docs/metrics.md's bash blocks, as argv."""
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S):
        for command in block.replace("\\\n", " ").splitlines():
            command = command.split(" #", 1)[0].strip()
            argv = shlex.split(command)
            if argv[:1] == ["mf"] or argv[:2] == ["trueup", "metrics"]:
                commands.append(argv)
    return commands


def test_docs_examples_run(metrics_project: MetricsProject) -> None:
    commands = documented_commands()
    assert sum(c[0] == "mf" for c in commands) >= 3
    assert sum(c[0] == "trueup" for c in commands) >= 4
    for argv in commands:
        if argv[0] == "mf":
            result = metrics_project.mf(*argv[1:])
        else:
            result = metrics_project.trueup_metrics(*argv[2:])
        assert "empty result set" not in result.stdout, argv
        if "--csv" in argv:
            written = metrics_project.project / argv[argv.index("--csv") + 1]
            assert read_csv(written), argv


def test_reads_the_warehouse_it_is_given(metrics_project: MetricsProject, tmp_path: Path) -> None:
    """The manifest names the warehouse it was parsed for (its catalog, `metrics`); a copy
    under another name, changed, is read as it is."""
    other = tmp_path / "other.duckdb"
    shutil.copy(metrics_project.warehouse, other)
    con = duckdb.connect(str(other))
    try:
        con.execute(
            "update finance.fct_post_close_deltas set billed_amount_delta = 0.000000000000001"
            f" where period_start = date '{FLOAT_MONTH}' and meter = 'egress_gb'"
        )
    finally:
        con.close()
    query = ("--metrics", "post_close_billed_delta", "--group-by", "metric_time__month")
    out = tmp_path / "other.csv"
    metrics_project.trueup_metrics(*query, "--csv", str(out), "--warehouse", str(other))
    got = {r["metric_time__month"]: Decimal(r["post_close_billed_delta"]) for r in read_csv(out)}
    original = {
        r["metric_time__month"]: Decimal(r["post_close_billed_delta"])
        for r in metrics_project.exact_csv(*query)
    }
    assert got[FLOAT_MONTH] == Decimal("0.300000000000001")
    assert original[FLOAT_MONTH] == FLOAT_MONTH_BILLED_DELTA
    assert {k: v for k, v in got.items() if k != FLOAT_MONTH} == {
        k: v for k, v in original.items() if k != FLOAT_MONTH
    }


def test_semantic_manifest_is_stale_when_missing_or_older_than_the_models(tmp_path: Path) -> None:
    from trueup_tools import metrics

    manifest = tmp_path / "semantic_manifest.json"
    assert metrics.manifest_is_stale(manifest)
    manifest.write_text("{}")
    inputs = [metrics.PROJECT_DIR / "dbt_project.yml", *(metrics.PROJECT_DIR / "models").rglob("*")]
    newest = max(p.stat().st_mtime for p in inputs)
    os.utime(manifest, (newest + 60, newest + 60))
    assert not metrics.manifest_is_stale(manifest)
    os.utime(manifest, (newest - 60, newest - 60))
    assert metrics.manifest_is_stale(manifest)


def test_help_lists_the_metrics_and_shared_dimensions(metrics_project: MetricsProject) -> None:
    from trueup_tools import metrics

    epilog = metrics.help_epilog(metrics_project.project / "target" / "semantic_manifest.json")
    listed_items = set(re.findall(r"[a-z_]+", epilog))
    assert set(manifest_metrics(metrics_project)) <= listed_items
    assert TENANT_DIMENSIONS | METER_DIMENSIONS | {"tenant", "meter"} <= listed_items
    assert "docs/metrics.md" in metrics.help_epilog(metrics_project.project / "missing.json")
