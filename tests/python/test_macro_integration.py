"""The exact-arithmetic macros against their seeds of inputs and expected outputs
(integration_tests/, dbt-utils' pattern): one model per macro, one equality test each."""

from __future__ import annotations

import csv
from pathlib import Path

import yaml
from dbt.cli.main import dbtRunner

from trueup_tools import PROJECT_DIR

INTEGRATION_DIR = PROJECT_DIR / "integration_tests"


def _macro_cases() -> dict[str, int]:
    """Each macro under test with the number of cases its seed holds."""
    cases = {}
    for seed in sorted((INTEGRATION_DIR / "seeds").glob("data_*.csv")):
        with seed.open(newline="") as handle:
            cases[seed.stem.removeprefix("data_")] = sum(1 for _ in csv.DictReader(handle))
    return cases


def test_every_exact_arithmetic_macro_equals_its_expected_outputs(tmp_path: Path) -> None:
    cases = _macro_cases()
    assert len(cases) >= 6 and min(cases.values()) >= 10, cases
    result = dbtRunner().invoke(
        [
            "build",
            "--project-dir", str(INTEGRATION_DIR),
            "--profiles-dir", str(INTEGRATION_DIR),
            "--target-path", str(tmp_path / "target"),
            "--log-path", str(tmp_path / "logs"),
        ]
    )  # fmt: skip
    assert result.exception is None, result.exception
    outcomes = {node.node.unique_id: str(node.status).lower() for node in result.result.results}
    failed = {node: state for node, state in outcomes.items() if state not in {"pass", "success"}}
    assert not failed, failed
    tested = [node for node in outcomes if node.startswith("test.")]
    for macro in cases:
        model = f"test_{macro}"
        assert f"model.trueup_integration_tests.{model}" in outcomes, model
        equality = f".actual_equals_expected_{model}_"
        assert any(equality in test for test in tested), f"{model} has no equality test"
        assert list((PROJECT_DIR / "macros").rglob(f"{macro}.sql")), f"{macro} is not a macro"


def test_each_macro_model_is_documented() -> None:
    documented = yaml.safe_load((INTEGRATION_DIR / "models" / "_models.yml").read_text())
    names = {model["name"] for model in documented["models"]}
    assert names == {f"test_{macro}" for macro in _macro_cases()}
