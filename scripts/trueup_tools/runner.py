"""Run dbt on the trueup project from Python (dbtRunner), with the project's paths and vars.

The invocations see the same environment as plain `dbt` in the project: nothing here changes a
profile input (TRUEUP_DUCKDB_PATH, TRUEUP_TARGET, ...), so `trueup build` and `dbt build` with
the same vars share dbt's partial parsing. The warehouse path is resolved against the project by
the dbt-duckdb plugin (trueup_tools.duckdb_landing), as for plain dbt.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from trueup_tools import PROJECT_DIR, profiles_dir
from trueup_tools.warehouse import warehouse_path

if TYPE_CHECKING:
    from dbt.contracts.graph.manifest import Manifest

__all__ = ["DbtResult", "dbt_args", "run_dbt", "warehouse_path"]


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
        str(profiles_dir()),
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
    """Invoke dbt in-process, in the environment plain dbt would see. `manifest`: an already
    parsed manifest of the project, used instead of parsing (the tests parse once and hand a
    copy to each invocation; dbt then writes no manifest.json)."""
    from dbt.cli.main import dbtRunner

    result = dbtRunner(manifest=manifest).invoke(dbt_args(command, dbt_vars=dbt_vars, extra=extra))
    nodes = list(getattr(result.result, "results", None) or [])
    return DbtResult(success=bool(result.success), exception=result.exception, node_results=nodes)
