"""Run dbt on the trueup project from Python (dbtRunner), with the project's paths and vars."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from trueup_tools import PROJECT_DIR

if TYPE_CHECKING:
    from dbt.contracts.graph.manifest import Manifest

DEFAULT_WAREHOUSE = PROJECT_DIR / "data" / "warehouse" / "trueup.duckdb"


def warehouse_path() -> Path:
    """The DuckDB file the duckdb target writes (env TRUEUP_DUCKDB_PATH, else the default)."""
    configured = os.environ.get("TRUEUP_DUCKDB_PATH")
    if not configured:
        return DEFAULT_WAREHOUSE
    path = Path(configured)
    return path if path.is_absolute() else PROJECT_DIR / path


@dataclass
class DbtResult:
    """What a dbt invocation returned: success, and the per-node results when there are any."""

    success: bool
    exception: BaseException | None = None
    node_results: list = field(default_factory=list)

    def failures(self) -> list[str]:
        """Names and messages of the nodes that did not pass."""
        out = []
        for node in self.node_results:
            status = str(getattr(node, "status", ""))
            if status.lower() not in {"success", "pass", "skipped", "no-op"}:
                out.append(f"{node.node.name}: {status}: {getattr(node, 'message', '')}")
        return out


def dbt_args(
    command: str,
    *,
    dbt_vars: dict | None = None,
    extra: Sequence[str] = (),
) -> list[str]:
    """The argument list of one dbt command (e.g. "build", "docs generate") against this project."""
    args = [
        *command.split(),
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR / "profiles"),
    ]
    if dbt_vars:
        args += ["--vars", json.dumps(dbt_vars)]
    return args + list(extra)


def run_dbt(
    command: str,
    *,
    dbt_vars: dict | None = None,
    extra: Sequence[str] = (),
    manifest: Manifest | None = None,
) -> DbtResult:
    """Invoke dbt in-process. The warehouse folder is created and its path made absolute first.
    `manifest`: an already parsed manifest of the project, used instead of parsing (the tests
    parse once and hand a copy to each invocation; dbt then writes no manifest.json)."""
    from dbt.cli.main import dbtRunner

    path = warehouse_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    os.environ["TRUEUP_DUCKDB_PATH"] = str(path)
    result = dbtRunner(manifest=manifest).invoke(dbt_args(command, dbt_vars=dbt_vars, extra=extra))
    nodes = list(getattr(result.result, "results", None) or [])
    return DbtResult(success=bool(result.success), exception=result.exception, node_results=nodes)
