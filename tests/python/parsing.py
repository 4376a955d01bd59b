"""The project parsed by dbt itself on the in-memory target (no warehouse opened), and walks of
its graph: shared by the tests that read the parsed project (its layers, the close gate, the
governance gate, the seed rules, compiled macros)."""

from __future__ import annotations

import json
from pathlib import Path

from trueup_tools import PROJECT_DIR, profiles_dir

NO_LANDING = '{"landing_path": "/nonexistent-landing"}'
"""The vars of a parse or compile that reads no landing file (nothing does at parse time)."""


def on_memory_target(project: Path = PROJECT_DIR) -> list[str]:
    """dbt flags for a command on `project` (the project or a copy) that opens no warehouse: its
    own profiles, the in-memory target, a landing root that need not exist."""
    return [
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(profiles_dir(project)),
        "--target",
        "memory",
        "--vars",
        NO_LANDING,
    ]


def parsed_manifest_json(target: Path, project: Path = PROJECT_DIR) -> dict:
    """manifest.json of one dbt parse of `project` on the in-memory target, written under
    `target` (dbt's own parse, not the fixtures' reused manifest)."""
    from dbt.cli.main import dbtRunner

    outcome = dbtRunner().invoke(
        ["parse", *on_memory_target(project), "--target-path", str(target)]
    )
    assert outcome.success, outcome.exception
    return json.loads((target / "manifest.json").read_text())


def reachable(start: str, edges: dict[str, list[str]]) -> set[str]:
    """Every node reached from `start` along `edges` (a manifest's parent_map: its ancestors;
    child_map: its descendants), `start` itself not included (a KeyError when it is no node)."""
    seen: set[str] = set()
    todo = list(edges[start])
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(edges.get(node, []))
    return seen
