"""The `trueup` command as the tests run it: in a subprocess (the CLI's exit codes, messages
and process boundaries are what the tests check), with this checkout's trueup_tools first."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import trueup_tools

SCRIPTS_DIR = Path(trueup_tools.__file__).parents[1]


def run_trueup(
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    drop: tuple[str, ...] = (),
) -> subprocess.CompletedProcess:
    """`trueup ARGS`: output captured, never raising on a non-zero exit. `env` is added to this
    process's environment (or replaces it with `drop` names removed)."""
    environment = {**os.environ, "PYTHONPATH": str(SCRIPTS_DIR), **(env or {})}
    for name in drop:
        environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "trueup_tools.cli", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
