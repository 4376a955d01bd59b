"""The project's DAG as a Mermaid flowchart, read from dbt's manifest: sources and seeds, then
one box per layer (staging, intermediate, the marts' folders), one arrow per ref() or source().
README.md's "How it fits together" shows it; a test keeps the two equal.

    python -m trueup_tools.dag [MANIFEST]    print it (default: target/manifest.json)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from trueup_tools import PROJECT_DIR

# the layers in reading order: (label, how a node's path starts), seeds and sources first
LAYERS = (
    ("landing files (sources)", "source:"),
    ("seeds", "seeds/"),
    ("staging", "models/staging/"),
    ("intermediate", "models/intermediate/"),
    ("marts: finance", "models/marts/finance/"),
    ("marts: close", "models/marts/close/"),
    ("marts: ops", "models/marts/ops/"),
    ("marts: semantic", "models/marts/semantic/"),
)


def _layer(node: dict) -> str | None:
    where = "source:" if node["resource_type"] == "source" else node["original_file_path"]
    for label, prefix in LAYERS:
        if where.startswith(prefix):
            return label
    return None


def _name(node: dict) -> str:
    if node["resource_type"] == "source":
        return f"{node['source_name']}.{node['name']}"
    return node["name"]


def mermaid(manifest: dict) -> str:
    """The flowchart: models, seeds and sources of this project, grouped by layer."""
    nodes = {
        uid: node
        for uid, node in {**manifest["nodes"], **manifest["sources"]}.items()
        if node["resource_type"] in {"model", "seed", "source"}
        and node["package_name"] == manifest["metadata"].get("project_name", "trueup")
    }
    ids = {uid: _name(node).replace(".", "__") for uid, node in nodes.items()}
    lines = ["flowchart LR"]
    for number, (label, _) in enumerate(LAYERS):
        members = sorted(uid for uid, node in nodes.items() if _layer(node) == label)
        if not members:
            continue
        lines.append(f'    subgraph L{number}["{label}"]')
        lines.extend(
            f"        {ids[uid]}"
            if ids[uid] == _name(nodes[uid])
            else f'        {ids[uid]}["{_name(nodes[uid])}"]'
            for uid in members
        )
        lines.append("    end")
    for uid in sorted(nodes):
        for parent in sorted(set(nodes[uid].get("depends_on", {}).get("nodes", []))):
            if parent in ids:
                lines.append(f"    {ids[parent]} --> {ids[uid]}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else PROJECT_DIR / "target" / "manifest.json"
    if not path.exists():
        print(f"no manifest at {path}: run `dbt parse` first", file=sys.stderr)
        return 2
    print(mermaid(json.loads(path.read_text())), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
