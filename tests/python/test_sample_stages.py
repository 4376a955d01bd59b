"""The sample-data package runs one way: each module of `trueup_tools.sample` imports only
from the modules before it in `STAGES`, the pricing reference (the independent truth the
tests compare the models with) imports nothing from the package, and the modules stay short.
Static checks of the source (no data generated)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import trueup_tools
from trueup_tools.sample import STAGES

PACKAGE = Path(trueup_tools.__file__).parent
SAMPLE = PACKAGE / "sample"


def _imported(path: Path) -> set[str]:
    """The trueup_tools modules a file imports (`trueup_tools.x.y` or `from trueup_tools
    import x`)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "trueup_tools":
                found.update(f"trueup_tools.{alias.name}" for alias in node.names)
            elif node.module.startswith("trueup_tools."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("trueup_tools."))
    return found


def test_stages_name_every_module_of_the_package() -> None:
    modules = {p.stem for p in SAMPLE.glob("*.py")} - {"__init__"}
    assert set(STAGES) == modules
    assert len(STAGES) == len(set(STAGES))


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_imports_only_earlier_stages(stage: str) -> None:
    earlier = {f"trueup_tools.sample.{name}" for name in STAGES[: STAGES.index(stage)]}
    sample_imports = {m for m in _imported(SAMPLE / f"{stage}.py") if ".sample" in m}
    assert sample_imports <= earlier, sorted(sample_imports - earlier)


def test_the_pricing_reference_imports_nothing_of_the_sample_or_the_models() -> None:
    imports = _imported(PACKAGE / "pricing.py")
    assert not {m for m in imports if m.startswith("trueup_tools.sample")}, imports
    assert imports <= {"trueup_tools.PROJECT_DIR"}, imports


@pytest.mark.parametrize("stage", STAGES)
def test_stage_modules_and_functions_are_short(stage: str) -> None:
    source = (SAMPLE / f"{stage}.py").read_text(encoding="utf-8")
    assert len(source.splitlines()) <= 500
    long = [
        (node.name, node.end_lineno - node.lineno + 1)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef) and node.end_lineno - node.lineno + 1 > 60
    ]
    assert not long, long
