"""`trueup query` answers from SQL that dbt compiled once per project state: the cached SQL, with
the var values bound as parameters, gives the rows dbt's own compile gives; a value is data,
never SQL; a changed analysis or macro invalidates the cache; `--help` lists the queries."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from commands import run_trueup
from conftest import Warehouse
from test_contract_seeds import copy_project
from trueup_tools import PROJECT_DIR, query

QUOTED_TENANT = "tenant-001' or 'x'='x"


@pytest.fixture(scope="module")
def cache_target(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dbt target path of its own for the query cache and its compiles."""
    return tmp_path_factory.mktemp("query_target")


@pytest.fixture
def on_built(built: Warehouse, cache_target: Path, monkeypatch: pytest.MonkeyPatch) -> Warehouse:
    """The built warehouse as the duckdb target's, with the cache under `cache_target`."""
    monkeypatch.setenv("TRUEUP_DUCKDB_PATH", str(built.path))
    monkeypatch.setenv("DBT_TARGET_PATH", str(cache_target))
    return built


@pytest.fixture(scope="module")
def real_values(built: Warehouse) -> dict[str, dict[str, str]]:
    """Var values with rows behind them, in every form a user may type."""
    tenant = built.query(
        "select tenant_id from finance.fct_trueup_variance group by tenant_id "
        "order by count(*) desc, tenant_id limit 1"
    )[0][0]
    period = built.query(
        "select min(period_start) from finance.fct_trueup_variance "
        "where status not in ('matched', 'auto_adjust')"
    )[0][0]
    return {
        "month": {"statement_tenant": tenant, "review_period": period.strftime("%Y-%m")},
        "day, quote": {
            "statement_tenant": QUOTED_TENANT,
            "review_period": period.isoformat()[:8] + "15",
        },
    }


def rows(warehouse: Warehouse, sql: str, params: dict[str, str] | None = None) -> list[tuple]:
    con = duckdb.connect(str(warehouse.path))
    try:
        return con.execute(sql, params or None).fetchall()
    finally:
        con.close()


def test_cached_and_dbt_compiled_sql_give_the_same_rows(
    on_built: Warehouse, cache_target: Path, real_values: dict[str, dict[str, str]]
) -> None:
    cache = query.build_cache()
    assert set(cache) == set(query.available())
    assert query.load_cache() is not None

    # dbt's own compile, without vars and with each set of real values
    dbt_plain = query._compile_all(None, cache_target / "check_plain")
    for name in query.available():
        assert rows(on_built, cache[name].plain) == rows(on_built, dbt_plain[name]), name
    with_vars = [name for name in query.available() if query.query_vars(name)]
    assert sorted(with_vars) == ["tenant_trueup_statement", "variances_needing_review"]
    for form, values in real_values.items():
        compiled = query._compile_all(values, cache_target / f"check_{form[:3]}")
        for name in with_vars:
            own = {var: values[var] for var in query.query_vars(name)}
            prepared = query.prepare(name, own)
            assert prepared.source == "cache"
            expected = rows(on_built, compiled[name])
            assert rows(on_built, prepared.sql, prepared.params) == expected, (name, form)
            if QUOTED_TENANT not in own.values():
                assert expected, f"{name} with {own} returned nothing: the check proves little"


def test_a_quote_in_a_value_is_data(on_built: Warehouse) -> None:
    prepared = query.prepare("tenant_trueup_statement", {"statement_tenant": QUOTED_TENANT})
    assert prepared.source == "cache"
    assert QUOTED_TENANT not in prepared.sql
    assert prepared.params == {"statement_tenant": QUOTED_TENANT}
    assert rows(on_built, prepared.sql, prepared.params) == []
    # the same SQL with a real tenant finds its rows: the parameter is what filters
    tenant = on_built.query("select min(tenant_id) from finance.fct_trueup_variance")[0][0]
    assert rows(on_built, prepared.sql, {"statement_tenant": tenant})


def test_a_var_combination_the_cache_lacks_is_compiled_by_dbt(
    on_built: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = query.load_cache() or query.build_cache()
    broken = dict(cache)
    broken["variances_needing_review"] = query.CachedQuery(
        plain=cache["variances_needing_review"].plain, parameterized=None, vars={}
    )
    query.store_cache(broken, query.project_key())
    prepared = query.prepare("variances_needing_review", {"review_period": "2026-09"})
    assert prepared.source == "dbt"
    assert "'2026-09-01'" in prepared.sql


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    (tmp_path / "project").mkdir()
    return copy_project(tmp_path / "project")


@pytest.mark.parametrize(
    "changed", ["analyses/ledger_balance_by_tenant.sql", "macros/sql/trueup_string_literal.sql"]
)
def test_a_changed_analysis_or_macro_invalidates_the_cache(
    project_copy: Path, changed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DBT_TARGET_PATH", raising=False)
    cached = {"ledger_balance_by_tenant": query.CachedQuery("select 1", None, {})}
    query.store_cache(cached, query.project_key(project_copy), project_copy)
    assert query.load_cache(project_copy) is not None
    path = project_copy / changed
    path.write_text(path.read_text() + "\n-- changed\n")
    assert query.load_cache(project_copy) is None


def test_another_warehouse_name_invalidates_the_cache(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DBT_TARGET_PATH", raising=False)
    monkeypatch.setenv("TRUEUP_DUCKDB_PATH", "/srv/a/trueup.duckdb")
    query.store_cache({}, query.project_key(project_copy), project_copy)
    monkeypatch.setenv("TRUEUP_DUCKDB_PATH", "/srv/b/trueup.duckdb")  # same catalog name
    assert query.load_cache(project_copy) is not None
    monkeypatch.setenv("TRUEUP_DUCKDB_PATH", "/srv/a/other.duckdb")
    assert query.load_cache(project_copy) is None


def test_query_command_answers_from_the_cache(
    on_built: Warehouse, cache_target: Path, tmp_path: Path
) -> None:
    """In another process, on a copy of the warehouse (same file name, so the same catalog):
    no dbt compile, and the rows of the cached SQL."""
    query.warm_cache()
    on_built.query("checkpoint")
    copy = tmp_path / "copy" / on_built.path.name
    copy.parent.mkdir()
    shutil.copy(on_built.path, copy)
    out = tmp_path / "statement.csv"
    tenant = on_built.query("select min(tenant_id) from finance.fct_trueup_variance")[0][0]
    env = {**os.environ, "TRUEUP_DUCKDB_PATH": str(copy), "DBT_TARGET_PATH": str(cache_target)}
    result = run_trueup(
        "query",
        "tenant_trueup_statement",
        "--var",
        f"statement_tenant={tenant}",
        "--csv",
        str(out),
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "compiling" not in result.stderr
    prepared = query.prepare("tenant_trueup_statement", {"statement_tenant": tenant})
    expected = rows(on_built, prepared.sql, prepared.params)
    assert f"{len(expected)} rows written" in result.stdout
    assert len(out.read_text().strip().splitlines()) == len(expected) + 1

    stale = {**env, "DBT_TARGET_PATH": str(tmp_path / "empty_target")}
    compiled = run_trueup("query", "ledger_balance_by_tenant", "--max-rows", "1", env=stale)
    assert compiled.returncode == 0, compiled.stderr
    assert "compiling the finance queries with dbt" in compiled.stderr


def test_query_help_lists_the_queries_and_their_vars() -> None:
    result = run_trueup("query", "--help")
    assert result.returncode == 0
    for name in query.available():
        assert f"\n  {name}\n" in result.stdout
    assert "--var statement_tenant=VALUE   (text)" in result.stdout
    assert "--var review_period=VALUE   (a period: YYYY-MM or a date YYYY-MM-DD in it)" in (
        result.stdout
    )
    assert (PROJECT_DIR / "analyses" / "tenant_trueup_statement.sql").is_file()
