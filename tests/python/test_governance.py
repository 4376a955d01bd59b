"""The governance gate of ./test.sh (dbt-score with our rules) fails when documentation or a
primary-key test goes missing; every finance analysis has its exposure; and the documented
columns are the columns the build creates."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Warehouse
from parsing import on_memory_target
from test_contract_seeds import copy_project
from trueup_tools import PROJECT_DIR

DBT_SCORE = Path(sys.executable).with_name("dbt-score")

# (file, text to remove, what dbt-score must then name)
BREAKAGES = {
    "column description": (
        "models/marts/finance/_finance__models.yml",
        "        description: Billing lines of the key.\n",
        ["fct_billed_charges", "columns_have_description", "line_count"],
    ),
    "primary-key test": (
        "models/intermediate/pricing/_int_pricing__models.yml",
        "    data_tests:\n      - unique_combination_of_columns:\n          arguments:\n"
        "            combination_of_columns:"
        " ['contract_id', 'contract_version', 'meter', 'tier']\n",
        ["int_contract_rates_tiered", "has_primary_key_test"],
    ),
    "seed column description": (
        "seeds/_seeds.yml",
        "        description: The unit one quantity of the meter stands for (request, hour,"
        " gigabyte, ...).\n",
        ["meters", "seed_columns_have_description", "unit"],
    ),
}


def parsed_copy(root: Path, breakage: str | None = None) -> Path:
    """A copy of the project (with its dbt-score config), optionally broken, parsed in memory."""
    from dbt.cli.main import dbtRunner

    project = copy_project(root)
    shutil.copy2(PROJECT_DIR / "pyproject.toml", project / "pyproject.toml")
    if breakage is not None:
        file, text, _ = BREAKAGES[breakage]
        path = project / file
        content = path.read_text()
        assert content.count(text) == 1, f"{breakage}: the text to remove is not in {file}"
        path.write_text(content.replace(text, ""))
    result = dbtRunner().invoke(
        [
            "parse",
            *on_memory_target(project),
        ]
    )
    assert result.success, result.exception
    return project


def dbt_score(project: Path) -> subprocess.CompletedProcess:
    """`dbt-score lint` as test.sh runs it, with the copy's pyproject.toml."""
    return subprocess.run(
        [str(DBT_SCORE), "lint", "--manifest", str(project / "target" / "manifest.json")],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def intact(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return parsed_copy(tmp_path_factory.mktemp("intact"))


def manifest(project: Path) -> dict:
    return json.loads((project / "target" / "manifest.json").read_text())


def test_gate_passes_on_the_project(intact: Path) -> None:
    result = dbt_score(intact)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_gate_fails_when_something_goes_missing(tmp_path: Path, breakage: str) -> None:
    result = dbt_score(parsed_copy(tmp_path, breakage))
    assert result.returncode == 1, result.stdout + result.stderr
    for word in BREAKAGES[breakage][2]:
        assert word in result.stdout, f"{word!r} not in:\n{result.stdout}"


def test_every_analysis_has_its_exposure(intact: Path) -> None:
    nodes = manifest(intact)
    analyses = {
        node["name"]: set(node["depends_on"]["nodes"])
        for node in nodes["nodes"].values()
        if node["resource_type"] == "analysis"
    }
    exposures = {
        node["name"]: set(node["depends_on"]["nodes"]) for node in nodes["exposures"].values()
    }
    assert analyses
    for name, refs in analyses.items():
        assert exposures.get(name) == refs, f"exposure {name} should depend on {sorted(refs)}"
    assert any(uid.startswith("metric.") for uid in exposures["finance_metrics"]), (
        "the metrics exposure depends on the metrics"
    )


def test_marts_are_the_public_interface(intact: Path) -> None:
    """Marts are public and owned by a group; everything else is protected; an exposure reads
    public models only."""
    nodes = manifest(intact)
    models = {uid: node for uid, node in nodes["nodes"].items() if node["resource_type"] == "model"}
    groups = set(nodes["groups"])
    for uid, node in models.items():
        if node["original_file_path"].startswith("models/marts/"):
            assert node["access"] == "public", f"{uid} is a mart: access public"
            assert f"group.trueup.{node['group']}" in groups, f"{uid} belongs to a group"
        else:
            assert node["access"] == "protected", f"{uid} is not a mart: access protected"
    for exposure in nodes["exposures"].values():
        for uid in exposure["depends_on"]["nodes"]:
            if uid in models:
                assert models[uid]["access"] == "public", f"{exposure['name']} reads {uid}"


def test_readme_shows_the_current_dag(intact: Path) -> None:
    """README.md's "How it fits together" DAG is the one the manifest gives (regenerate it
    with `python -m trueup_tools.dag target/manifest.json` after a `dbt parse`)."""
    from trueup_tools.dag import mermaid

    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    shown = readme.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert shown == mermaid(manifest(intact)), "README.md's DAG is out of date"
    assert "stg_usage__records" in shown and "fct_adjustment_ledger" in shown


def test_documented_columns_are_the_built_columns(intact: Path, built: Warehouse) -> None:
    built_columns: dict[tuple[str, str], set[str]] = {}
    for schema, table, column in built.query(
        "select table_schema, table_name, column_name from information_schema.columns"
    ):
        built_columns.setdefault((schema, table), set()).add(column.lower())
    mismatches = []
    for node in manifest(intact)["nodes"].values():
        if node["resource_type"] not in {"model", "seed"}:
            continue
        relation = (node["schema"], node["alias"])
        documented = {name.lower() for name in node["columns"]}
        actual = built_columns.get(relation)
        if actual is None:
            mismatches.append(f"{node['name']}: not built")
        elif documented != actual:
            mismatches.append(
                f"{node['name']}: undocumented {sorted(actual - documented)},"
                f" not built {sorted(documented - actual)}"
            )
    assert not mismatches, "\n".join(mismatches)
