"""Paths come from the project, not from the working directory: profiles.yml at the project root,
a relative warehouse path resolved against the project, and no warehouse file ever created by a
command that only reads (dbt compile/show, `mf`, `trueup summary/check/query`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from test_contract_seeds import copy_project
from trueup_tools import PROFILES_FILE, PROJECT_DIR, profiles_dir, warehouse
from trueup_tools.duckdb_landing import WarehouseNotBuiltError, warehouse_for_connection

BIN = Path(sys.executable).parent
RELATIVE_WAREHOUSE = Path("data") / "warehouse" / "trueup.duckdb"


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a user's shell: no profile, project or warehouse set by a caller."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DBT_PROFILES_DIR",
            "DBT_PROJECT_DIR",
            "DBT_TARGET_PATH",
            "DBT_LOG_PATH",
            "TRUEUP_DUCKDB_PATH",
            "TRUEUP_TARGET",
            "TRUEUP_LANDING_PATH",
        }
    }
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(PROJECT_DIR / "scripts")
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    env.update(extra)
    return env


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def test_profiles_live_at_the_project_root() -> None:
    assert (PROJECT_DIR / PROFILES_FILE).is_file()
    assert not (PROJECT_DIR / "profiles").exists()
    assert profiles_dir() == PROJECT_DIR
    sqlfluff = (PROJECT_DIR / ".sqlfluff").read_text()
    assert "profiles_dir = .\n" in sqlfluff
    assert (
        'DBT_PROFILES_DIR="$TRUEUP_ROOT"' in (PROJECT_DIR / "scripts" / "bootstrap.sh").read_text()
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("data/warehouse/trueup.duckdb", PROJECT_DIR / RELATIVE_WAREHOUSE),
        ("/srv/w.duckdb", Path("/srv/w.duckdb")),
    ],
)
def test_relative_warehouse_paths_resolve_against_the_project(path: str, expected: Path) -> None:
    assert warehouse.resolve(path) == expected


def test_memory_and_remote_paths_are_left_alone() -> None:
    for path in (":memory:", "md:trueup", "s3://bucket/w.duckdb"):
        assert warehouse_for_connection(path, "compile", PROJECT_DIR) == path


def test_only_writing_commands_create_a_missing_warehouse(tmp_path: Path) -> None:
    for command in ("compile", "show", "test", "docs", "debug", None):
        with pytest.raises(WarehouseNotBuiltError, match=r"No warehouse at .*w\.duckdb.*build"):
            warehouse_for_connection("sub/w.duckdb", command, tmp_path)
        assert not (tmp_path / "sub").exists()
    for command in ("build", "run", "seed", "snapshot"):
        opened = warehouse_for_connection("sub/w.duckdb", command, tmp_path)
        assert opened == str(tmp_path / "sub" / "w.duckdb")
        assert (tmp_path / "sub").is_dir()  # DuckDB creates the file, not its folder


def test_a_warehouse_folder_that_cannot_be_made_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file where the folder should be")
    with pytest.raises(WarehouseNotBuiltError, match=r"Cannot create the warehouse folder"):
        warehouse_for_connection("taken/w.duckdb", "build", tmp_path)


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project (models, seeds, profiles.yml, ...) without a warehouse."""
    root = tmp_path_factory.mktemp("paths")
    (root / "project").mkdir()
    return copy_project(root / "project")


def test_dbt_elsewhere_reads_and_writes_the_projects_warehouse(
    project_copy: Path, tmp_path: Path
) -> None:
    """From another folder that has a ./data/warehouse of its own, with the profiles given by an
    absolute path: a read-only command stops without creating anything, a seed writes the
    project's warehouse, and the other folder stays empty."""
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "data" / "warehouse").mkdir(parents=True)
    landing = tmp_path / "landing"
    landing.mkdir()
    paths = ["--project-dir", str(project_copy), "--profiles-dir", str(project_copy)]
    env = clean_env()
    expected = project_copy / RELATIVE_WAREHOUSE

    shown = run(["dbt", "show", "--inline", "select 1 as one", *paths], elsewhere, env)
    assert shown.returncode != 0
    assert f"No warehouse at {expected}" in shown.stdout
    assert "`dbt show` only reads it and does not create one" in shown.stdout
    assert not expected.exists() and not expected.parent.exists()

    seeded = run(
        ["dbt", "seed", "--select", "meters", *paths, "--vars", f"{{landing_path: '{landing}'}}"],
        elsewhere,
        env,
    )
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    assert expected.is_file()
    assert list((elsewhere / "data" / "warehouse").iterdir()) == []
    con = duckdb.connect(str(expected), read_only=True)
    try:
        assert con.execute("select count(*) from reference.meters").fetchall()[0][0] > 0
    finally:
        con.close()


def test_mf_on_a_missing_or_empty_warehouse_says_so_and_creates_nothing(
    project_copy: Path, tmp_path: Path
) -> None:
    parsed = run(
        ["dbt", "parse", "--target", "memory", "--vars", "{landing_path: /nonexistent}"],
        project_copy,
        clean_env(),
    )
    assert parsed.returncode == 0, parsed.stdout
    missing = tmp_path / "nothing" / "here.duckdb"
    metrics_query = ["mf", "query", "--metrics", "expected_amount"]
    metrics_query += ["--group-by", "metric_time__month"]
    result = run(metrics_query, project_copy, clean_env(TRUEUP_DUCKDB_PATH=str(missing)))
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"No warehouse at {missing}: `mf` only reads it and does not create one" in output
    assert not missing.parent.exists()

    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    result = run(metrics_query, project_copy, clean_env(TRUEUP_DUCKDB_PATH=str(empty)))
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"The warehouse {empty} holds none of the finance marts" in output
    assert "Catalog Error" not in output


def trueup(*args: str, database: Path) -> subprocess.CompletedProcess:
    return run(
        [sys.executable, "-m", "trueup_tools.cli", *args],
        PROJECT_DIR,
        clean_env(TRUEUP_DUCKDB_PATH=str(database)),
    )


READ_ONLY_COMMANDS = {
    "summary": ["summary"],
    "check": ["check"],
    "query": ["query", "ledger_balance_by_tenant"],
}


@pytest.mark.parametrize("command", sorted(READ_ONLY_COMMANDS))
def test_read_only_commands_on_a_missing_warehouse(command: str, tmp_path: Path) -> None:
    missing = tmp_path / "w.duckdb"
    result = trueup(*READ_ONLY_COMMANDS[command], database=missing)
    assert result.returncode == 2
    assert f"No warehouse at {missing}: `trueup {command}` reads the marts" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not missing.exists()


@pytest.mark.parametrize("command", sorted(READ_ONLY_COMMANDS))
def test_read_only_commands_on_an_empty_warehouse(command: str, tmp_path: Path) -> None:
    empty = tmp_path / "w.duckdb"
    duckdb.connect(str(empty)).close()
    result = trueup(*READ_ONLY_COMMANDS[command], database=empty)
    assert result.returncode == 2
    assert f"The warehouse {empty} holds none of the finance marts" in result.stderr
    assert "Traceback" not in result.stderr and "CatalogException" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_build_hint_names_a_command_that_exists() -> None:
    # the message tells users what to run: each named entry point must be there
    assert (PROJECT_DIR / "run.sh").is_file()
    assert shutil.which("trueup", path=str(BIN)) is not None
