"""Hostile input against the operator's tools and the reference and billing inputs (issue 18:
items 4, 5, 7 for billing exports, 16, 17, 18, 21). Each test writes small landing files (or
seeds) by hand and fails on the behaviour the issue reports."""

from __future__ import annotations

import csv
import json
import os
import shutil
import stat
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import Warehouse, worker_env
from hostile import (
    AS_OF,
    FOCUS_HEADER,
    INVOICE_HEADER,
    assert_conserved,
    flat_event,
    jsonl,
    land,
)
from test_contract_seeds import build_seeds, copy_project
from trueup_tools import PROJECT_DIR

# --------------------------------------------------------------------------- item 21: bootstrap

FAKE_TOOL = """#!/usr/bin/env bash
echo "$(basename "$0") $*" >> "$TRUEUP_FAKE_LOG"
"""


def _fake_venv(root: Path, python: str = FAKE_TOOL) -> Path:
    """A venv whose python, trueup and test tools only log how they were called (`python`: the
    script of its python)."""
    bin_dir = root / "bin"
    bin_dir.mkdir(parents=True)
    for name in ("python", "trueup", "ruff", "sqlfluff", "dbt", "dbt-score"):
        tool = bin_dir / name
        tool.write_text(python if name == "python" else FAKE_TOOL)
        tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
    return root


def _run_script(
    script: str, args: list[str], tmp_path: Path, python: str = FAKE_TOOL
) -> tuple[int, list[str], str]:
    """Run ./run.sh or ./test.sh of the project with the fake venv: exit code, logged calls."""
    log = tmp_path / "calls.log"
    log.touch()
    env = {
        **os.environ,
        "TRUEUP_VENV": str(_fake_venv(tmp_path / "venv", python)),
        "TRUEUP_FAKE_LOG": str(log),
        "PYTHON": os.environ.get("PYTHON", "python3"),
    }
    env.pop("TRUEUP_EXTRA", None)
    env.pop("TRUEUP_TEST_WORKERS", None)
    env.pop("TRUEUP_SLOW_TESTS", None)
    done = subprocess.run(
        ["bash", str(PROJECT_DIR / script), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done.returncode, log.read_text().splitlines(), done.stderr


def _pip_target(calls: list[str]) -> str:
    (pip,) = [call for call in calls if call.startswith("python -m pip install")]
    return pip.split()[-1]


def test_run_sh_passes_its_options_to_the_demo_not_to_pip(tmp_path: Path) -> None:
    rc, calls, stderr = _run_script("run.sh", ["--seed", "7", "--events", "20000"], tmp_path)
    assert rc == 0, stderr
    assert _pip_target(calls) == str(PROJECT_DIR)  # no extra: not "[--seed]"
    assert calls[-1] == "trueup demo --seed 7 --events 20000"


def test_test_sh_installs_the_dev_extra_and_passes_options_to_pytest(tmp_path: Path) -> None:
    rc, calls, stderr = _run_script("test.sh", ["-x", "-k", "billing"], tmp_path)
    assert rc == 0, stderr
    assert _pip_target(calls) == f"{PROJECT_DIR}[dev]"
    workers = "-n 2 --dist loadscope --no-loadscope-reorder"  # pytest-xdist, test.sh's default
    assert calls[-1] == f"python -m pytest {workers} -x -k billing"


# a python that also logs which tests conftest.py is told to run
FAKE_PYTHON = """#!/usr/bin/env bash
echo "python $* (TRUEUP_SLOW_TESTS=$TRUEUP_SLOW_TESTS)" >> "$TRUEUP_FAKE_LOG"
"""


@pytest.mark.parametrize(
    ("args", "slow_tests", "to_pytest"),
    [([], "skip", ""), (["-x"], "skip", " -x"), (["--all", "-x"], "run", " -x")],
)
def test_test_sh_leaves_the_slow_tests_out_unless_all(
    tmp_path: Path, args: list[str], slow_tests: str, to_pytest: str
) -> None:
    """./test.sh runs the default set (conftest.py leaves the slow tests out when told `skip`);
    --all (CI's .ci/run) runs every test and is not passed on to pytest."""
    rc, calls, stderr = _run_script("test.sh", args, tmp_path, python=FAKE_PYTHON)
    assert rc == 0, stderr
    workers = "-n 2 --dist loadscope --no-loadscope-reorder"
    assert calls[-1] == f"python -m pytest {workers}{to_pytest} (TRUEUP_SLOW_TESTS={slow_tests})"


def test_ci_runs_every_test() -> None:
    lines = (PROJECT_DIR / ".ci" / "run").read_text().splitlines()
    assert "bash ./test.sh --all" in lines


def test_bootstrap_refuses_an_unknown_extra(tmp_path: Path) -> None:
    log = tmp_path / "calls.log"
    env = {
        **os.environ,
        "TRUEUP_VENV": str(_fake_venv(tmp_path / "venv")),
        "TRUEUP_FAKE_LOG": str(log),
        "TRUEUP_EXTRA": "--seed",
    }
    done = subprocess.run(
        ["bash", "-c", f'source "{PROJECT_DIR}/scripts/bootstrap.sh"'],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert 'TRUEUP_EXTRA must be empty or "dev", got "--seed"' in done.stderr
    assert not log.exists()


# --------------------------------------------------------------------------- billing exports


def focus_csv(*costs: str, account: str = "acct-1001") -> bytes:
    """A FOCUS export of tenant-001's api_requests (one usage line per cost) for 2026-09."""
    lines = [FOCUS_HEADER] + [
        f"payer-1,{account},2026-09-01T00:00:00Z,2026-10-01T00:00:00Z,Usage,{cost},USD,SKU-API-1K,1"
        for cost in costs
    ]
    return ("\n".join(lines) + "\n").encode()


def tieout(warehouse: Warehouse) -> dict[str, tuple]:
    """source_file -> (line_count, total_amount, difference) of ops.fct_billing_tieout."""
    rows = warehouse.query(
        "select source_file, line_count, total_amount, difference from ops.fct_billing_tieout"
    )
    return {file: (count, total, difference) for file, count, total, difference in rows}


def staged_lines(warehouse: Warehouse) -> dict[str, tuple[int, Decimal]]:
    """source_file -> (lines staged, Σ billed_cost) of the FOCUS staging model."""
    rows = warehouse.query(
        "select source_file, count(*), sum(billed_cost) from staging.stg_billing__focus_lines "
        "group by source_file"
    )
    return {file: (count, total) for file, count, total in rows}


def write_parquet_export(path: Path, costs: list[str]) -> None:
    """A FOCUS Parquet export (columns as text) with one usage line per cost."""
    path.parent.mkdir(parents=True, exist_ok=True)
    values = ", ".join(
        f"('payer-1', 'acct-1001', '2026-09-01T00:00:00Z', '2026-10-01T00:00:00Z', 'Usage', "
        f"'{cost}', 'USD', 'SKU-API-1K', '1')"
        for cost in costs or ["0"]
    )
    keep = "true" if costs else "false"  # no costs: a file with the columns and no rows
    columns = FOCUS_HEADER.replace(",", ", ")
    target = str(path).replace("'", "''")
    con = duckdb.connect()
    try:
        con.execute(
            f"copy (select * from (values {values}) as t({columns}) where {keep}) "
            f"to '{target}' (format parquet)"
        )
    finally:
        con.close()


def test_billing_files_with_glob_characters_are_read_by_their_exact_name(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    folder = "billing/focus/export_date=2026-10-03"
    written = {
        f"{folder}/acct[1].csv": ["10.5"],
        f"{folder}/acct1.csv": ["1.25", "2.25"],  # what acct[1].csv matches as a pattern
        f"{folder}/batch*.csv": ["100"],
        f"{folder}/batch-a.csv": ["7", "8", "9"],
        f"{folder}/part?.csv": ["0.000000000000001"],
        f"{folder}/part1.csv": ["3"],
    }
    for relative, costs in written.items():
        land(landing, relative, focus_csv(*costs))
    parquet = {f"{folder}/cost{{a,b}}.parquet": ["40"], f"{folder}/costa.parquet": ["2", "2"]}
    for relative, costs in parquet.items():
        write_parquet_export(landing / relative, costs)
    written.update(parquet)
    warehouse = Warehouse(tmp_path / "w.duckdb", landing)
    warehouse.build(AS_OF)
    expected = {f: (len(c), sum(Decimal(x) for x in c)) for f, c in written.items()}
    assert staged_lines(warehouse) == expected
    ties = tieout(warehouse)
    assert {f: (n, total) for f, (n, total, _) in ties.items()} == expected
    assert all(difference == 0 for _, _, difference in ties.values())


@pytest.mark.parametrize("export_date", ["2026-02-30", "2026-13-01", "2025-02-29", "2026-9-3"])
def test_impossible_export_date_folder_stops_the_build_naming_folder_and_file(
    tmp_path: Path, export_date: str
) -> None:
    landing = tmp_path / "landing"
    land(landing, "billing/focus/export_date=2026-09-03/good.csv", focus_csv("1"))
    bad = f"billing/invoice_lines/export_date={export_date}/lines-2026-09.csv"
    land(landing, bad, (INVOICE_HEADER + "\n").encode())
    result = Warehouse(tmp_path / "w.duckdb", landing).dbt("build", as_of=AS_OF)
    assert not result.success
    message = " ".join(result.failures()) + str(result.exception or "")
    assert f"Billing export {bad} is in folder export_date={export_date}" in message
    assert "not a calendar date written YYYY-MM-DD" in message


def test_empty_billing_exports_show_in_the_tieout_with_zero_totals(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    focus = "billing/focus/export_date=2024-02-29"  # a leap day is a date
    invoices = "billing/invoice_lines/export_date=2026-10-03"
    empty = {
        f"{focus}/zero-bytes.csv": b"",
        f"{focus}/header-only.csv": (FOCUS_HEADER + "\r\n").encode(),
        f"{focus}/blank-lines.csv": b"\n \r\n\t\n",
        f"{focus}/zero-bytes.parquet": b"",
        f"{invoices}/zero-bytes.csv": b"",
        f"{invoices}/header-only.csv": (INVOICE_HEADER + "\n").encode(),
    }
    for relative, content in empty.items():
        land(landing, relative, content)
    land(landing, f"{focus}/real.csv", focus_csv("12.5", "0.5"))
    write_parquet_export(landing / focus / "no-rows.parquet", [])
    warehouse = Warehouse(tmp_path / "w.duckdb", landing)
    warehouse.build(AS_OF)
    expected = {file: (0, Decimal(0), Decimal(0)) for file in empty}
    expected[f"{focus}/no-rows.parquet"] = (0, Decimal(0), Decimal(0))
    expected[f"{focus}/real.csv"] = (2, Decimal("13"), Decimal(0))
    assert tieout(warehouse) == expected
    assert staged_lines(warehouse) == {f"{focus}/real.csv": (2, Decimal("13"))}


@pytest.mark.parametrize("name", ["export.csv.gz", "notes.txt", ".DS_Store", "export"])
def test_a_file_that_is_no_export_format_stops_the_build_naming_it(
    tmp_path: Path, name: str
) -> None:
    landing = tmp_path / "landing"
    folder = "billing/focus/export_date=2026-10-03"
    land(landing, f"{folder}/good.csv", focus_csv("1"))
    land(landing, f"{folder}/{name}", focus_csv("2"))
    result = Warehouse(tmp_path / "w.duckdb", landing).dbt("build", as_of=AS_OF)
    assert not result.success
    message = " ".join(result.failures()) + str(result.exception or "")
    assert f"Billing export {folder}/{name} is neither a CSV (.csv) nor a Parquet" in message


def test_upper_case_extensions_are_exports(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    folder = "billing/focus/export_date=2026-10-03"
    land(landing, f"{folder}/EXPORT.CSV", focus_csv("4", "1"))
    write_parquet_export(landing / folder / "EXPORT2.PARQUET", ["2"])
    warehouse = Warehouse(tmp_path / "w.duckdb", landing)
    warehouse.build(AS_OF)
    assert tieout(warehouse) == {
        f"{folder}/EXPORT.CSV": (2, Decimal(5), Decimal(0)),
        f"{folder}/EXPORT2.PARQUET": (1, Decimal(2), Decimal(0)),
    }


def test_header_only_export_without_a_required_column_names_file_and_column(
    tmp_path: Path,
) -> None:
    landing = tmp_path / "landing"
    relative = "billing/focus/export_date=2026-10-03/wrong-header.csv"
    land(landing, relative, b"AccountId,Cost\n")
    result = Warehouse(tmp_path / "w.duckdb", landing).dbt("build", as_of=AS_OF)
    assert not result.success
    message = " ".join(result.failures()) + str(result.exception or "")
    assert f"Billing export {relative} has no column BillingAccountId" in message


# --------------------------------------------------------------------------- item 5: query vars


@pytest.fixture(scope="module")
def small_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """tenant-001 and tenant-002 metered and billed in 2026-09, built at AS_OF."""
    root = tmp_path_factory.mktemp("query")
    landing = root / "landing"
    events = [
        flat_event("e-1", quantity=1500),
        flat_event("e-2", tenant_id="tenant-002", quantity=2500),
    ]
    land(landing, "usage/ingest_date=2026-09-10/part-0001.jsonl", jsonl(*events))
    land(landing, "billing/focus/export_date=2026-10-03/acct.csv", focus_csv("9", "1"))
    warehouse = Warehouse(root / "w.duckdb", landing)
    warehouse.build(AS_OF)
    assert_conserved(warehouse, {"usage/ingest_date=2026-09-10/part-0001.jsonl": 2})
    return warehouse


def run_query(warehouse: Warehouse, name: str, *var_pairs: str) -> tuple[int, list[dict], str]:
    """`trueup query name --var ... --csv` in a subprocess, on a copy of the warehouse (dbt in
    this process still holds the file): exit code, rows, stderr."""
    database = warehouse.path.with_name("copy.duckdb")
    if not database.exists():
        warehouse.query("checkpoint")
        shutil.copy(warehouse.path, database)
    out = warehouse.path.with_name(f"{name}-{len(var_pairs)}.csv")
    out.unlink(missing_ok=True)
    args = [a for pair in var_pairs for a in ("--var", pair)]
    done = subprocess.run(
        [sys.executable, "-m", "trueup_tools.cli", "query", name, *args, "--csv", str(out)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "TRUEUP_DUCKDB_PATH": str(database), **worker_env()},
        timeout=300,
    )
    rows = []
    if out.exists():
        with out.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    return done.returncode, rows, done.stderr


@pytest.mark.parametrize(
    "tenant", ["x' union select 'tenant-002", "tenant-001' or 'a'='a", "o'brien", "tenant-001'"]
)
def test_query_text_var_is_one_value_never_sql(small_warehouse: Warehouse, tenant: str) -> None:
    rc, rows, stderr = run_query(
        small_warehouse, "tenant_trueup_statement", f"statement_tenant={tenant}"
    )
    assert rc == 0, stderr
    assert rows == []  # no tenant has that id: nothing leaks from another tenant


def test_query_text_var_still_selects_its_tenant(small_warehouse: Warehouse) -> None:
    rc, rows, stderr = run_query(
        small_warehouse, "tenant_trueup_statement", "statement_tenant=tenant-002"
    )
    assert rc == 0, stderr
    assert rows and {row["tenant_id"] for row in rows} == {"tenant-002"}


@pytest.mark.parametrize("period", ["2026-13", "2026-02-30", "2026-09-01'", "last month", "2026-9"])
def test_query_period_var_is_checked_naming_the_var(
    small_warehouse: Warehouse, period: str
) -> None:
    rc, rows, stderr = run_query(
        small_warehouse, "variances_needing_review", f"review_period={period}"
    )
    assert rc == 2 and rows == []
    assert "--var review_period expects a period: its month YYYY-MM or a date YYYY-MM-DD" in stderr
    assert repr(period) in stderr


def test_query_period_var_takes_the_month_or_a_date_in_it(small_warehouse: Warehouse) -> None:
    by_month = run_query(small_warehouse, "variances_needing_review", "review_period=2026-09")
    by_date = run_query(small_warehouse, "variances_needing_review", "review_period=2026-09-17")
    assert by_month[0] == by_date[0] == 0, by_month[2] + by_date[2]
    assert by_month[1] and by_month[1] == by_date[1]
    assert {row["period_start"] for row in by_month[1]} == {"2026-09-01"}


def test_query_unknown_var_is_named_with_the_query_vars(small_warehouse: Warehouse) -> None:
    rc, _, stderr = run_query(
        small_warehouse, "tenant_trueup_statement", "statment_tenant=tenant-002"
    )
    assert rc == 2
    assert "this query has no var 'statment_tenant' (its vars: statement_tenant)" in stderr


@pytest.mark.parametrize("period", ["2026-13", "2026-02-30", "2026-09-01' or 'a'='a"])
def test_analysis_compiled_by_dbt_checks_the_period_var(
    small_warehouse: Warehouse, period: str
) -> None:
    result = small_warehouse.dbt(
        "compile", extra=["--select", "variances_needing_review"], review_period=period
    )
    assert not result.success
    message = " ".join(result.failures()) + str(result.exception or "")
    assert "var review_period expects a period" in message and period in message


# --------------------------------------------------------------------------- item 4: generator

GENERATE = ["--events", "300", "--days", "5"]


def generate_cli(out: Path, *options: str) -> tuple[int, str]:
    """`trueup generate --out out` (small) in a subprocess: exit code and stderr."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "trueup_tools.cli",
            "generate",
            "--out",
            str(out),
            *GENERATE,
            *options,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stderr


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root (relative path -> bytes)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


USER_FILE = "landing/usage/mine/my_events.jsonl"


def test_generate_refuses_to_touch_a_folder_holding_a_user_file(tmp_path: Path) -> None:
    user = land(tmp_path, USER_FILE, jsonl(flat_event("mine-1")))
    before = tree(tmp_path)
    rc, stderr = generate_cli(tmp_path)
    assert rc == 2
    assert f"refusing to write sample data under {tmp_path}" in stderr
    assert USER_FILE in stderr and "--force" in stderr
    assert tree(tmp_path) == before and user.read_bytes() == jsonl(flat_event("mine-1"))


def test_generate_replaces_only_its_own_files(tmp_path: Path) -> None:
    assert generate_cli(tmp_path, "--start-date", "2026-03-01")[0] == 0
    first = tree(tmp_path)
    owned = json.loads((tmp_path / "generated_files.json").read_text())["files"]
    assert set(owned) == set(first) - {"generated_files.json"}
    assert generate_cli(tmp_path)[0] == 0  # its own earlier files are replaced without --force
    second = tree(tmp_path)
    assert not any(name.startswith("landing/usage/ingest_date=2026-03-0") for name in second)
    user = land(tmp_path, USER_FILE, b'{"event_id": "mine-1"}\n')
    extra = land(tmp_path, "truth/notes.txt", b"my notes\n")
    rc, stderr = generate_cli(tmp_path, "--start-date", "2026-03-01")
    assert rc == 2 and USER_FILE in stderr and "truth/notes.txt" in stderr
    assert tree(tmp_path) == {
        **second,
        USER_FILE: user.read_bytes(),
        "truth/notes.txt": b"my notes\n",
    }
    rc, stderr = generate_cli(tmp_path, "--start-date", "2026-03-01", "--force")
    assert rc == 0, stderr
    third = tree(tmp_path)
    assert third[USER_FILE] == b'{"event_id": "mine-1"}\n' and extra.exists()
    assert {k: v for k, v in third.items() if k not in (USER_FILE, "truth/notes.txt")} == first
    owned = json.loads((tmp_path / "generated_files.json").read_text())["files"]
    assert USER_FILE not in owned and "truth/notes.txt" not in owned


def test_generate_treats_a_changed_file_as_not_its_own(tmp_path: Path) -> None:
    assert generate_cli(tmp_path)[0] == 0
    owned = json.loads((tmp_path / "generated_files.json").read_text())["files"]
    changed = tmp_path / sorted(n for n in owned if n.endswith(".jsonl"))[0]
    changed.write_bytes(changed.read_bytes() + b'{"event_id": "appended"}\n')
    before = tree(tmp_path)
    rc, stderr = generate_cli(tmp_path, "--seed", "7")
    assert rc == 2 and changed.relative_to(tmp_path).as_posix() in stderr
    assert tree(tmp_path) == before
    # --force keeps it, and never overwrites it: the same seed writes that very path
    rc, stderr = generate_cli(tmp_path, "--force")
    assert rc == 2 and "would overwrite files it did not write (also with --force)" in stderr
    assert tree(tmp_path) == before


def test_demo_refuses_before_deleting_anything(tmp_path: Path, monkeypatch) -> None:
    from trueup_tools import cli

    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.write_bytes(b"a warehouse")
    monkeypatch.setenv("TRUEUP_DUCKDB_PATH", str(warehouse))
    user = land(tmp_path / "data", USER_FILE, jsonl(flat_event("mine-1")))
    assert cli.main(["demo", "--out", str(tmp_path / "data"), *GENERATE]) == 2
    assert user.exists() and warehouse.read_bytes() == b"a warehouse"
    assert not (tmp_path / "data" / "truth").exists()


# --------------------------------------------------------------------------- item 17: seeds

BROKEN_SEEDS = {
    "contract_rates.csv": "C-1001,1,storage_gb,per_unt,1,,0.02,,,\n",
    "meters.csv": "gpu_hours,hour,summ,GPU time\n",
    "contracts.csv": "C-3001,,1,2026-01-01,2025-12-01,US$,150,-5\n",
    "account_map.csv": (
        "focus,acct-2001,tenant-001,2026-01-01,2026-07-01\n"
        "focus,acct-2001,tenant-002,2026-06-01,\n"
        "focs,acct-2002,tenant-003,2026-01-01,\n"
    ),
    "meter_map.csv": (
        "invoice-lines,price_x,api_requests,1\n"
        "focus,SKU-CPU-HR,compute_hours,1\n"
        "focus,SKU-GPU,gpu_hour,1\n"
    ),
    "reconciliation_tolerances.csv": "egress_gb,-1,0,10\napi_request,1,0,10\n",
}


def build_all_seeds(project: Path):
    """dbt build of every seed and its checks (in memory) of the project copy at `project`."""
    return build_seeds(project, ("resource_type:seed",))


@pytest.fixture(scope="module")
def broken_seeds(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Messages of a build of every seed with each reference-data rule broken once."""
    project = copy_project(tmp_path_factory.mktemp("seeds"))
    for name, rows in BROKEN_SEEDS.items():
        with (project / "seeds" / name).open("a", encoding="utf-8") as handle:
            handle.write(rows)
    result = build_all_seeds(project)
    assert not result.success
    return "\n".join(f"{node.node.name}: {node.message}" for node in result.result.results)


@pytest.mark.parametrize(
    "message",
    [
        "contract_rates row contract_id=C-1001, contract_version=1, meter=storage_gb, tier=1: "
        "pricing_model 'per_unt' is not one of per_unit, graduated, volume, package",
        "meters row meter=gpu_hours: aggregation 'summ' is not one of sum, count, max",
        "contracts row contract_id=C-3001, contract_version=1: tenant_id is empty",
        "contracts row contract_id=C-3001, contract_version=1: effective_to 2025-12-01 is not "
        "after effective_from 2026-01-01",
        "contracts row contract_id=C-3001, contract_version=1: currency 'US$' is not a "
        "three-letter currency code",
        "contracts row contract_id=C-3001, contract_version=1: discount_pct 150.0000 is outside "
        "[0, 100]",
        "contracts row contract_id=C-3001, contract_version=1: minimum_commitment "
        "-5.000000000 is below 0",
        "account_map source_system=focus, provider_account_id=acct-2001: "
        "[2026-01-01, 2026-07-01) overlaps [2026-06-01, open)",
        "account_map row source_system=focs, provider_account_id=acct-2002, "
        "valid_from=2026-01-01: source_system 'focs' is not one of focus, invoice_lines",
        "meter_map row source_system=invoice-lines, provider_sku_id=price_x: source_system "
        "'invoice-lines' is not one of focus, invoice_lines",
        "meter_map row source_system=focus, provider_sku_id=SKU-CPU-HR: source_system, "
        "provider_sku_id occur together 2 times (must be unique)",
        "reconciliation_tolerances row meter=egress_gb: abs_tolerance -1.000000000 is below 0",
        "meter_map row source_system=focus, provider_sku_id=SKU-GPU: meter 'gpu_hour' is not in "
        "meters.csv (nor one of commitment_true_up)",
        "reconciliation_tolerances row meter=api_request: meter 'api_request' is not in "
        "meters.csv (nor one of *, commitment_true_up)",
    ],
)
def test_every_seed_rule_names_the_row_and_the_rule(broken_seeds: str, message: str) -> None:
    assert message in broken_seeds


def test_shipped_seeds_pass_every_seed_rule() -> None:
    result = build_all_seeds(PROJECT_DIR)
    assert result.success, [str(node.message) for node in result.result.results]
