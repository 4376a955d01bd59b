"""Every dependency between models is one dbt can see, and the landing is declared as sources.

Parse-based checks read the manifest of one `dbt parse` (no warehouse): no macro or model finds
another model by name or by a hard-coded schema, `--select +model` lists every real upstream,
the landing inputs are sources with freshness, and each input kind is read through one
dispatched seam whose default implementation stops with a clear message. One check runs
`dbt source freshness` on the session's built warehouse: fresh landing files pass, and a
source whose files are older than its error threshold fails.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest

from conftest import TARGET_PATH, Dataset, Warehouse, worker_paths
from trueup_tools.runner import DbtResult, run_dbt

LANDING_SOURCES = {
    "source.trueup.usage.usage_records": "usage",
    "source.trueup.billing.focus_lines": "billing/focus",
    "source.trueup.billing.invoice_lines": "billing/invoice_lines",
}
SEAMS = {
    "trueup_read_usage_records": "stg_usage__records",
    "trueup_read_focus_lines": "stg_billing__focus_lines",
    "trueup_read_invoice_lines": "stg_billing__invoice_lines",
    "trueup_read_export_files": "stg_billing__export_files",
}

# a relation passed in (ref(), source(), this): adapter.get_relation(x.database, x.schema,
# x.identifier) is a look-up of that relation, not of a model by name
# not a look-up by name: the built state of a relation the caller was given (positional or
# keyword arguments), and whether a model is part of this run's selection
GET_PASSED_RELATION = re.compile(
    r"adapter\.get_relation\(\s*(?:database\s*=\s*)?(\w+)\.database\s*,"
    r"\s*(?:schema\s*=\s*)?\1\.schema\s*,\s*(?:identifier\s*=\s*)?\1\.identifier\s*\)"
    r"|['\"]model\.['\"]\s*~\s*project_name\s*~\s*['\"]\.\w+['\"]\s+(?:not\s+)?in\s+selected_resources"
)
BY_NAME = [
    re.compile(r"trueup_model_relation"),
    re.compile(r"adapter\.get_relation\("),
    re.compile(r"\bgraph\.nodes\b[^\n]*['\"]model\."),
    re.compile(r"['\"]model\.['\"]?\s*~"),
    re.compile(r"api\.Relation\.create\("),
]
HARD_CODED_SCHEMA = re.compile(
    r"""(schema\s*=\s*['"](finance|ops)['"])|(['"\s(,]|^)(finance|ops)\.[a-z_]+""", re.M
)
COMMENTS = re.compile(r"\{#.*?#\}|--[^\n]*", re.S)


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The manifest of one dbt parse of the project (on the in-memory target)."""
    import json

    landing = tmp_path_factory.mktemp("landing")
    target = tmp_path_factory.mktemp("target")
    result = run_dbt(
        "parse",
        dbt_vars={"landing_path": str(landing)},
        extra=[
            "--target",
            "memory",
            "--target-path",
            str(target),
            "--log-path",
            str(TARGET_PATH.parent / "lineage-logs"),
        ],
    )
    assert result.success, result.exception
    return json.loads((target / "manifest.json").read_text())


def project_code(manifest: dict) -> dict[str, str]:
    """unique_id -> code without comments, of every macro, model and test of this project."""
    code = {}
    for unique_id, macro in manifest["macros"].items():
        if macro["package_name"] == "trueup":
            code[unique_id] = macro["macro_sql"]
    for unique_id, node in manifest["nodes"].items():
        if node["package_name"] == "trueup" and node["resource_type"] in {"model", "test"}:
            code[unique_id] = node.get("raw_code") or ""
    return {unique_id: COMMENTS.sub("", text) for unique_id, text in code.items()}


def ancestors(manifest: dict, unique_id: str) -> set[str]:
    seen: set[str] = set()
    todo = [unique_id]
    while todo:
        for parent in manifest["parent_map"].get(todo.pop(), []):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def test_no_model_is_looked_up_by_name(manifest: dict) -> None:
    offenders = []
    for unique_id, code in project_code(manifest).items():
        rest = GET_PASSED_RELATION.sub("", code)
        offenders += [f"{unique_id}: {p.pattern}" for p in BY_NAME if p.search(rest)]
    assert not offenders, "models located by name, not by ref()/this:\n" + "\n".join(offenders)
    assert "macro.trueup.trueup_model_relation" not in manifest["macros"]


def test_the_check_finds_a_look_up_by_name() -> None:
    # the patterns themselves: each way of finding a model by name is caught
    looks_up = [
        "{% set r = trueup_model_relation('int_usage_files_loaded') %}",
        "adapter.get_relation(database=target.database, schema='finance', identifier=name)",
        "{% set node = graph.nodes.get('model.' ~ project_name ~ '.' ~ name) %}",
        "api.Relation.create(schema='ops', identifier='x')",
    ]
    for code in looks_up:
        rest = GET_PASSED_RELATION.sub("", code)
        assert any(p.search(rest) for p in BY_NAME), code
    passed = [
        "adapter.get_relation(rollup.database, rollup.schema, rollup.identifier)",
        "adapter.get_relation(\n    database=relation.database, schema=relation.schema,"
        " identifier=relation.identifier\n)",
        "'model.' ~ project_name ~ '.fct_trueup_variance' not in selected_resources",
    ]
    for code in passed:
        assert not any(p.search(GET_PASSED_RELATION.sub("", code)) for p in BY_NAME), code
    # a relation that was not passed in, or a node looked up in the graph, still counts
    for code in [
        "adapter.get_relation(database=rollup.database, schema='ops', identifier=x)",
        "{% set n = graph.nodes['model.' ~ project_name ~ '.x'] %}",
    ]:
        assert any(p.search(GET_PASSED_RELATION.sub("", code)) for p in BY_NAME), code


def test_no_hard_coded_schema(manifest: dict) -> None:
    offenders = [
        f"{unique_id}: {match.group(0).strip()}"
        for unique_id, code in project_code(manifest).items()
        for match in HARD_CODED_SCHEMA.finditer(code)
    ]
    assert not offenders, "hard-coded finance/ops schemas:\n" + "\n".join(offenders)
    assert HARD_CODED_SCHEMA.search("select * from finance.fct_period_closes")
    assert HARD_CODED_SCHEMA.search("schema='ops'")
    assert not HARD_CODED_SCHEMA.search("select * from {{ ref('fct_period_closes') }}")


def test_usage_lineage_lists_every_real_upstream(manifest: dict) -> None:
    rollup = ancestors(manifest, "model.trueup.int_usage_daily_rolled_up")
    assert {
        "source.trueup.usage.usage_records",
        "seed.trueup.meters",
        "model.trueup.stg_usage__records",
        "model.trueup.int_usage_records_classified",
        "model.trueup.int_usage_duplicates_identified",
    } <= rollup
    assert "source.trueup.usage.usage_records" in ancestors(
        manifest, "model.trueup.fct_usage_daily"
    )
    # staging reads only sources and seeds: its own register is its own table
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] == "model" and node["fqn"][1] == "staging":
            parents = set(node["depends_on"]["nodes"])
            assert all(p.startswith(("source.", "seed.")) for p in parents), (unique_id, parents)
    # the history-wide usage checks read the rollup's recomputation through ref()
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] == "test" and (
            "usage_check_window" in (node.get("raw_code") or "")
            or "usage_check_rollup" in node.get("test_metadata", {}).get("kwargs", {})
        ):
            assert "model.trueup.int_usage_daily_rolled_up" in node["depends_on"]["nodes"], (
                unique_id
            )


def test_landing_inputs_are_sources_with_freshness(manifest: dict) -> None:
    sources = manifest["sources"]
    assert set(LANDING_SOURCES) <= set(sources)
    for unique_id, folder in LANDING_SOURCES.items():
        source = sources[unique_id]
        assert source["meta"]["landing_folder"] == folder
        assert source["description"]
        freshness = source["freshness"]
        for threshold in ("warn_after", "error_after"):
            assert freshness[threshold]["count"] and freshness[threshold]["period"], unique_id
        assert "trueup_landing_loaded_at_sql" in source["loaded_at_query"]
        assert manifest["child_map"][unique_id], f"{unique_id} is read by no model"
    for name in ("stg_billing__focus_lines", "stg_billing__invoice_lines"):
        parents = manifest["nodes"][f"model.trueup.{name}"]["depends_on"]["nodes"]
        assert any(p in LANDING_SOURCES for p in parents), f"{name} is a DAG root"


def test_each_input_kind_is_read_through_one_dispatched_seam(manifest: dict) -> None:
    macros = manifest["macros"]
    for seam, model in SEAMS.items():
        assert (
            f"adapter.dispatch('{seam}', 'trueup')" in macros[f"macro.trueup.{seam}"]["macro_sql"]
        )
        assert f"macro.trueup.duckdb__{seam}" in macros
        default = macros[f"macro.trueup.default__{seam}"]["macro_sql"]
        assert "trueup_landing_reader_missing" in default
        node = manifest["nodes"][f"model.trueup.{model}"]
        assert f"macro.trueup.{seam}" in node["depends_on"]["macros"], model


def test_default_seam_stops_with_a_clear_message(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    # an engine without an implementation gets the default one: it names the reader and the
    # way out (run here on DuckDB by calling the default implementation itself)
    result = run_dbt(
        "run-operation",
        dbt_vars={"landing_path": str(tmp_path)},
        extra=[
            "default__trueup_read_focus_lines",
            "--args",
            "{source_relation: null, required: [], optional: []}",
            "--target",
            "memory",
            *worker_paths(),
        ],
    )
    assert not result.success
    message = f"{result.exception or ''} {capfd.readouterr().out}"
    assert "trueup_read_focus_lines is not implemented for duckdb" in message
    assert "load the landing into raw tables first" in message


def source_statuses(result: DbtResult) -> dict[str, str]:
    """unique_id -> freshness status of each source a `dbt source freshness` checked."""
    return {
        r.node.unique_id: str(r.status).lower()
        for r in result.node_results
        if r.node.resource_type == "source"
    }


def test_source_freshness_on_a_built_warehouse(
    built: Warehouse, dataset: Dataset, tmp_path: Path
) -> None:
    result = built.dbt("source freshness", as_of=dataset.as_of)
    assert result.success, result.failures() or result.exception
    statuses = source_statuses(result)
    assert statuses == dict.fromkeys(LANDING_SOURCES, "pass")

    # the invoice exports stopped landing four days ago: past error_after (72 h)
    landing = tmp_path / "landing"
    shutil.copytree(dataset.landing, landing)
    four_days_ago = time.time() - 4 * 24 * 3600
    for path in (landing / "billing" / "invoice_lines").rglob("*"):
        if path.is_file():
            os.utime(path, (four_days_ago, four_days_ago))
    stale = Warehouse(built.path, landing)
    result = stale.dbt("source freshness", as_of=dataset.as_of)
    assert not result.success
    statuses = source_statuses(result)
    assert statuses == {
        "source.trueup.usage.usage_records": "pass",
        "source.trueup.billing.focus_lines": "pass",
        "source.trueup.billing.invoice_lines": "error",
    }
