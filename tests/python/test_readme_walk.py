"""The README's commands work, in the order shown, in a fresh copy of the project.

The fenced bash blocks marked `<!-- readme-walk: NAME -->` in README.md (the quick start, plain
dbt, everyday use) are extracted and run line by line, AS WRITTEN, in a temporary copy of the
project: each line must exit 0 and print its key output. `./test.sh` (in its own, unmarked
block) is left out: the test suite cannot run itself.

The copy uses the virtual environment this test runs in (`<copy>/.venv` is a link to it, and
TRUEUP_VENV names it, which scripts/bootstrap.sh honours), with `PYTHONPATH=<copy>/scripts` so
that the copy's code runs. bootstrap.sh must then find the venv's pins current (its dev stamp,
written by ./test.sh): otherwise it would reinstall this venv from the temporary copy, so the
test stops first and says so.

The walk runs once per test run (conftest.py's `readme_walk` fixture calls `run_walk`; under
pytest-xdist the first worker that asks runs it and the other reads its record): its `./run.sh`
is also the real-clock demo of test_demo.py, which reads a copy of the project taken right after
it. The test here asserts, line by line, what each command did.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from trueup_tools import PROJECT_DIR

MARK = re.compile(r"<!-- readme-walk: ([a-z-]+) -->\s*\n```bash\n(.*?)```", re.DOTALL)
WALKED = ("quick-start", "plain-dbt", "everyday")
IGNORED = shutil.ignore_patterns(
    ".venv",
    "data",
    "target",
    "logs",
    ".git",
    "__pycache__",
    ".pytest_cache",
    "*.duckdb*",
    "dbt_packages",
    ".ruff_cache",
    "*.egg-info",
)
# key output of each command (by its start), besides exit code 0
EXPECTED: dict[str, tuple[str, ...]] = {
    "./run.sh": (
        "== build 2/3: as_of 2026-10-04 00:00:00 UTC",
        "== build 3/3: as_of 2026-10-04 00:00:00 UTC (the rate card amended after close",
        "2026-08-01  closed at 2026-09-04 00:00:00 UTC",
        "2026-09-01  closed at 2026-10-04 00:00:00 UTC",
        "billing_correction",
        "late_usage",
        "contract_change",
        "as_of 2026-10-04 00:00:00, of the last build",
    ),
    "dbt seed": ("Completed successfully",),
    "dbt build": ("Completed successfully",),
    "dbt docs generate": ("Catalog written",),
    "trueup generate": ("wrote ",),
    "trueup build --as-of 2026-09-04": ("Completed successfully",),
    "trueup build --as-of 2026-10-04": ("Completed successfully",),
    "trueup build --as-of 2026-09-20": ("replay",),
    "trueup summary": ("as_of 2026-10-04 00:00:00 UTC  dbt build", "Closed periods"),
    "trueup query": (),
}
CHECKS = (  # the two `trueup check` lines, in order
    "as_of 2026-10-04 00:00:00, of the last build",
    "as_of 2026-09-20 00:00:00, of the last build",
)
STATE = ("source ", "export ", "cd ")


def readme_blocks(readme: Path) -> dict[str, list[str]]:
    """The marked blocks' command lines (comments and continuation comments dropped)."""
    blocks = {}
    for name, body in MARK.findall(readme.read_text(encoding="utf-8")):
        lines = []
        for raw in body.splitlines():
            line = raw.strip()
            if line and not line.startswith("#"):
                lines.append(line)
        blocks[name] = lines
    return blocks


def _stamp(project: Path) -> str:
    text = (project / "pyproject.toml").read_bytes() + (project / "constraints.txt").read_bytes()
    return hashlib.sha256(text).hexdigest()


def _environment(copy: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TRUEUP_", "DBT_", "VIRTUAL_ENV", "FAKETIME", "LD_PRELOAD"))
    }
    env.update(
        TRUEUP_VENV=sys.prefix,
        TRUEUP_EXTRA="dev",  # the venv the tests run in holds the dev extra (./test.sh)
        PYTHONPATH=str(copy / "scripts"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    if not (copy / "profiles.yml").exists() and (copy / "profiles" / "profiles.yml").exists():
        # transitional: before profiles.yml moved to the project root (docs/configuration.md)
        env["DBT_PROFILES_DIR"] = str(copy / "profiles")
    return env


def test_readme_blocks_are_marked() -> None:
    blocks = readme_blocks(PROJECT_DIR / "README.md")
    assert set(WALKED) <= set(blocks), sorted(blocks)
    assert [line.split("#")[0].strip() for line in blocks["quick-start"]] == ["./run.sh"]
    assert all(blocks[name] for name in WALKED)


def _stamp_problem() -> str | None:
    """Why the walk must not run in this venv (None: it may): bootstrap.sh would otherwise
    reinstall this venv from a temporary copy."""
    venv_stamp = Path(sys.prefix) / ".trueup-installed-dev"
    if not venv_stamp.exists() or venv_stamp.read_text().strip() != _stamp(PROJECT_DIR):
        return (
            f"The venv {sys.prefix} was not installed from this project's pins (no current "
            f"{venv_stamp.name}): run ./test.sh (or TRUEUP_EXTRA=dev source scripts/bootstrap.sh) "
            "first; the walk would otherwise reinstall this venv from a temporary copy."
        )
    return None


def run_walk(root: Path, on_demo: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """Walk the README in a fresh copy of the project under root: every line of the walked
    blocks in order, each in bash after the block's earlier `source`/`export`/`cd` lines, up
    to the first that fails. Right after `./run.sh` (the demo at the real clock), its project
    with data/ is copied to root/demo (the walk's later commands rebuild that warehouse and
    regenerate data/): test_demo.py reads that copy as its real-clock demo (conftest.py's
    `readme_walk` fixture runs this once per test run), and `on_demo` is called with the record
    so far (the same form as the one returned). Returns what each line did; the assertions are
    the tests'."""
    problem = _stamp_problem()
    if problem is not None:
        pytest.fail(problem)
    copy = root / "trueup"
    shutil.copytree(PROJECT_DIR, copy, ignore=IGNORED, symlinks=True)
    (copy / ".venv").symlink_to(sys.prefix, target_is_directory=True)
    env = _environment(copy)
    blocks = readme_blocks(copy / "README.md")
    state: list[str] = []
    steps: list[dict[str, Any]] = []
    demo: str | None = None
    for name in WALKED:
        for line in blocks[name]:
            script = "\n".join(["set -e", *state, line])
            result = subprocess.run(
                ["bash", "-c", script],
                cwd=copy,
                env=env,
                capture_output=True,
                text=True,
                timeout=1200,
            )
            steps.append(
                {
                    "block": name,
                    "line": line,
                    "returncode": result.returncode,
                    "stdout": result.stdout,
                    "stderr": result.stderr,
                }
            )
            if result.returncode != 0:
                return {"copy": str(copy), "demo": demo, "steps": steps}
            if line.startswith(STATE):
                state.append(line)
            elif line.split("#")[0].strip() == "./run.sh" and demo is None:
                demo = str(_keep_demo(copy, root / "demo"))
                if on_demo is not None:
                    on_demo({"copy": str(copy), "demo": demo, "steps": list(steps)})
    return {"copy": str(copy), "demo": demo, "steps": steps}


def _keep_demo(copy: Path, demo: Path) -> Path:
    """A copy of the walk's project right after `./run.sh`, laid out as test_demo.py's demos
    are: demo/project (with data/), demo/warehouse.duckdb (the demo's warehouse)."""
    ignore = shutil.ignore_patterns(".venv", "target", "logs")  # dbt's: not the demo's
    shutil.copytree(copy, demo / "project", ignore=ignore, symlinks=True)
    shutil.copy2(copy / "data" / "warehouse" / "trueup.duckdb", demo / "warehouse.duckdb")
    return demo


def test_readme_commands_work_in_order(request: pytest.FixtureRequest) -> None:
    problem = _stamp_problem()
    if problem is not None:
        pytest.fail(problem)
    walk = request.getfixturevalue("readme_walk")  # conftest.py: run_walk, once per test run
    copy = Path(walk["copy"])
    blocks = readme_blocks(copy / "README.md")
    steps = iter(walk["steps"])
    checks = iter(CHECKS)
    for name in WALKED:
        for line in blocks[name]:
            step = next(steps)
            assert (step["block"], step["line"]) == (name, line), step
            output = step["stdout"] + step["stderr"]
            where = f"README block {name!r}, line {line!r}"
            assert step["returncode"] == 0, (
                f"{where} exited {step['returncode']}:\n{output[-4000:]}"
            )
            if line.startswith(STATE):
                continue
            command = line.split("#")[0].strip()
            if command.startswith("trueup check"):
                expected: tuple[str, ...] = (next(checks), "expectations passed")
            else:
                key = max((k for k in EXPECTED if command.startswith(k)), key=len, default=None)
                assert key is not None, f"{where}: no expected output known for this command"
                expected = EXPECTED[key]
            for text in expected:
                assert text in output, f"{where}: {text!r} not in its output:\n{output[-4000:]}"
    assert next(checks, None) is None, "the README lost a `trueup check` line"
    assert (copy / "data" / "warehouse" / "by-hand.duckdb").exists()
