"""The trueup CLI and plain dbt share one environment, and follow dbt's conventions: partial
parsing survives alternating `trueup build` and `dbt build`, log files carry no colour codes,
`trueup dbt` checks --vars before dbt reads them, the on-run-start hook warns about unknown
vars, production builds leave the unit tests out, and schema names follow the target."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import Dataset, Warehouse
from test_contract_seeds import copy_project
from trueup_tools import PROJECT_DIR, cli, profiles_dir
from trueup_tools.runner import dbt_args

BIN = Path(sys.executable).parent
PARTIAL_PARSE_REFUSED = "Unable to do partial parsing"
PARTIAL_PARSE_USED = ("Nothing changed, skipping partial parsing", "Partial parsing enabled")
INVOCATION_SEPARATOR = re.compile(r"\n\n={30} .* \| [0-9a-f-]{36} ={30}\n")


def user_env(project: Path, **extra: str) -> dict[str, str]:
    """A user's shell for the project copy: its own trueup_tools, no paths set by a caller."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DBT_PROFILES", "DBT_PROJECT", "DBT_TARGET", "DBT_LOG"))
        and not key.startswith("TRUEUP_")
    }
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(project / "scripts")
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    # the builds here select seeds only: their tests that also read models stay out
    env["DBT_INDIRECT_SELECTION"] = "cautious"
    env.update(extra)
    return env


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    return result


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project with its Python tools, so `trueup` runs on the copy."""
    root = tmp_path_factory.mktemp("cli_env") / "project"
    root.mkdir()
    copy_project(root)
    shutil.copytree(
        PROJECT_DIR / "scripts", root / "scripts", ignore=shutil.ignore_patterns("__pycache__")
    )
    (root / "landing").mkdir()
    return root


def invocations_since(log: Path, offset: int) -> list[str]:
    """The dbt invocations logged in logs/dbt.log after byte `offset`, one text each."""
    text = log.read_bytes()[offset:].decode("utf-8")
    return [part for part in INVOCATION_SEPARATOR.split(text) if part.strip()]


@pytest.mark.slow
def test_trueup_build_and_dbt_build_share_partial_parsing(project: Path) -> None:
    env = user_env(project)
    as_of = "2026-10-01T00:00:00Z"
    landing = str(project / "landing")
    trueup = [sys.executable, "-m", "trueup_tools.cli", "build", "--as-of", as_of]
    trueup += ["--landing-path", landing, "--select", "resource_type:seed"]
    dbt = ["dbt", "build", "--select", "resource_type:seed", "--exclude-resource-type", "unit_test"]
    dbt += ["--vars", json.dumps({"as_of": as_of, "landing_path": landing})]
    log = project / "logs" / "dbt.log"
    start = log.stat().st_size if log.exists() else 0

    for step, command in enumerate((trueup, dbt, trueup), start=1):
        result = run(command, project, env)
        assert result.returncode == 0, f"step {step}: {result.stdout}\n{result.stderr}"

    builds = [i for i in invocations_since(log, start) if "running dbt with arguments" in i]
    assert len(builds) == 3, [b[:300] for b in builds]
    for step, text in enumerate(builds[1:], start=2):
        assert PARTIAL_PARSE_REFUSED not in text, f"step {step} parsed fully"
        assert any(used in text for used in PARTIAL_PARSE_USED), f"step {step}"
    # the log file is plain text (flags: use_colors_file / use_colors in dbt_project.yml)
    assert "\x1b[" not in log.read_text(encoding="utf-8")


def test_trueup_dbt_explains_an_unquoted_invalid_date(project: Path, tmp_path: Path) -> None:
    result = run(
        [sys.executable, "-m", "trueup_tools.cli", "dbt", "build", "--vars", "{as_of: 2026-02-30}"],
        tmp_path,
        user_env(project),
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert """quote the value as text, e.g. --vars '{as_of: "2026-02-30"}'""" in lines[0]
    assert "Traceback" not in result.stdout + result.stderr


def test_trueup_dbt_runs_dbt_on_the_project_and_warns_about_unknown_vars(
    project: Path, tmp_path: Path
) -> None:
    """From another folder: an unquoted valid date is fine, the misspelled var is named with
    the closest known one, the analyses' vars are known."""
    landing = project / "landing"
    result = run(
        [
            *[sys.executable, "-m", "trueup_tools.cli", "dbt", "build", "--select", "meters"],
            "--vars",
            f"{{as_of: 2026-10-01, landing_path: '{landing}', usage_check_window_day: 3, "
            "statement_tenant: tenant-001}",
        ],
        tmp_path,
        user_env(project),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        "unknown var 'usage_check_window_day' in --vars is ignored; "
        "did you mean 'usage_check_window_days'?"
    ) in result.stdout
    assert "unknown var 'statement_tenant'" not in result.stdout
    assert (project / "data" / "warehouse" / "trueup.duckdb").is_file()
    assert not (tmp_path / "data").exists()


def test_known_vars_macro_lists_the_project_vars() -> None:
    project_vars = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    macro = (PROJECT_DIR / "macros" / "project" / "trueup_project_vars.sql").read_text()
    listed = re.findall(r"'([a-z_]+)',", macro)
    assert listed == list(project_vars)


def test_trueup_dbt_adds_the_project_unless_given() -> None:
    from trueup_tools.dbt_command import with_project

    assert with_project(["build", "--select", "x"]) == [
        *["build", "--select", "x"],
        *["--project-dir", str(PROJECT_DIR), "--profiles-dir", str(profiles_dir())],
    ]
    given = ["ls", "--project-dir", "/elsewhere", "--profiles-dir=/p"]
    assert with_project(given) == given
    assert with_project(["ls", "--project-dir=/elsewhere"]) == ["ls", "--project-dir=/elsewhere"]
    assert with_project(["ls", "--profiles-dir", "/p"]) == [
        *["ls", "--profiles-dir", "/p", "--project-dir", str(PROJECT_DIR)]
    ]
    assert with_project(["--version"]) == ["--version"]


def unit_tests_run(target: Path) -> list[str]:
    results = json.loads((target / "run_results.json").read_text())["results"]
    return [r["unique_id"] for r in results if r["unique_id"].startswith("unit_test.")]


def test_trueup_build_leaves_unit_tests_out_unless_asked(
    built: Warehouse, dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRUEUP_DUCKDB_PATH", str(built.path))
    target = Path(os.environ.get("DBT_TARGET_PATH") or PROJECT_DIR / "target")
    common = ["build", "--select", "int_contract_segments_split", "--as-of", dataset.as_of]
    common += ["--landing-path", str(built.landing)]

    assert cli.main(common) == 0
    assert unit_tests_run(target) == []

    assert cli.main([*common, "--unit-tests"]) == 0
    ran = unit_tests_run(target)
    assert ran and all(".int_contract_segments_split." in unique_id for unique_id in ran)


def schema_of(manifest: dict, name: str) -> str:
    return next(n["schema"] for n in manifest["nodes"].values() if n["name"] == name)


SCHEMA_CASES = [
    # target name, its schema, custom schema, expected
    ("duckdb", "main", "finance", "finance"),
    ("memory", "main", "ops", "ops"),
    ("prod", "analytics", "finance", "finance"),
    ("postgres_prod", "public", "finance", "finance"),
    ("Spark_PROD", "trueup", "staging", "staging"),
    ("postgres", "public", "finance", "public_finance"),
    ("postgres", "dbt_alice", "ops", "dbt_alice_ops"),
    ("spark", "trueup", "finance", "trueup_finance"),
    ("ci", "ci_1234", "finance", "ci_1234_finance"),
    ("production", "public", "finance", "public_finance"),
    ("postgres", "public", None, "public"),
]


def test_schema_names_per_target_rule(tmp_path: Path) -> None:
    from dbt.cli.main import dbtRunner

    def call(target: str, schema: str, custom: str | None) -> str:
        custom_arg = "none" if custom is None else repr(custom)
        return f"{{{{ trueup_schema_name({custom_arg}, {target!r}, {schema!r}) }}}}"

    inline = " union all ".join(
        f"select '{call(t, s, c)}' as schema_name, {i} as case_index"
        for i, (t, s, c, _) in enumerate(SCHEMA_CASES)
    )
    result = dbtRunner().invoke(
        [
            *dbt_args("compile", extra=["--target", "memory", "--inline", inline]),
            *["--target-path", str(tmp_path / "target"), "--vars", "{landing_path: /none}"],
        ]
    )
    assert result.success, result.exception
    compiled = result.result.results[0].node.compiled_code
    got = re.findall(r"select '([^']*)' as schema_name, (\d+) as case_index", compiled)
    assert [(int(i), name) for name, i in got] == [
        (i, expected) for i, (*_, expected) in enumerate(SCHEMA_CASES)
    ]


@pytest.mark.parametrize(
    ("target", "finance", "staging"),
    [("memory", "finance", "staging"), ("dev", "dbt_alice_finance", "dbt_alice_staging")],
)
def test_schema_names_in_the_manifest(
    target: str, finance: str, staging: str, tmp_path: Path
) -> None:
    """Parsed with the project's profiles plus a developer's target `dev` (an in-memory DuckDB
    with schema dbt_alice, as a developer would add for a shared server; the postgres and spark
    adapters are not installed here): the manifest holds the schema every relation goes to."""
    from dbt.cli.main import dbtRunner

    profiles = yaml.safe_load((profiles_dir() / "profiles.yml").read_text())
    outputs = profiles["trueup"]["outputs"]
    outputs["dev"] = {**outputs["memory"], "schema": "dbt_alice"}
    (tmp_path / "profiles.yml").write_text(yaml.safe_dump(profiles))
    args = dbt_args("parse", extra=["--target", target])
    args[args.index("--profiles-dir") + 1] = str(tmp_path)
    result = dbtRunner().invoke(
        [*args, "--target-path", str(tmp_path / "target"), "--vars", "{landing_path: /none}"]
    )
    assert result.success, result.exception
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    assert schema_of(manifest, "fct_trueup_variance") == finance
    assert schema_of(manifest, "fct_adjustment_ledger") == finance
    assert schema_of(manifest, "stg_usage__records") == staging
