"""Hostile input against the operator's tools and the reference and billing inputs (issue 18:
items 4, 5, 7 for billing exports, 16, 17, 18, 21). Each test writes small landing files (or
seeds) by hand and fails on the behaviour the issue reports."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from trueup_tools import PROJECT_DIR

# --------------------------------------------------------------------------- item 21: bootstrap

FAKE_TOOL = """#!/usr/bin/env bash
echo "$(basename "$0") $*" >> "$TRUEUP_FAKE_LOG"
"""


def _fake_venv(root: Path) -> Path:
    """A venv whose python, trueup and test tools only log how they were called."""
    bin_dir = root / "bin"
    bin_dir.mkdir(parents=True)
    for name in ("python", "trueup", "ruff", "sqlfluff", "dbt", "dbt-score"):
        tool = bin_dir / name
        tool.write_text(FAKE_TOOL)
        tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
    return root


def _run_script(script: str, args: list[str], tmp_path: Path) -> tuple[int, list[str], str]:
    """Run ./run.sh or ./test.sh of the project with the fake venv: exit code, logged calls."""
    log = tmp_path / "calls.log"
    log.touch()
    env = {
        **os.environ,
        "TRUEUP_VENV": str(_fake_venv(tmp_path / "venv")),
        "TRUEUP_FAKE_LOG": str(log),
        "PYTHON": os.environ.get("PYTHON", "python3"),
    }
    env.pop("TRUEUP_EXTRA", None)
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
    assert calls[-1] == "python -m pytest -x -k billing"


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
