"""Reference-data rules: a contract or rate-card seed that breaks a rule fails the build with
a message naming the contract, version (meter, tier) and the rule."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import worker_paths
from parsing import on_memory_target
from trueup_tools import PROFILES_FILE, PROJECT_DIR

PROJECT_PARTS = ("dbt_project.yml", PROFILES_FILE, "models", "macros", "seeds", "tests", "analyses")

BAD_CONTRACTS = """
C-2001,tenant-x,1,2026-01-01,2026-06-01,USD,,
C-2002,tenant-x,1,2026-05-01,,USD,,
C-2003,tenant-y,1,2026-01-01,2026-03-01,USD,,
C-2003,tenant-y,3,2026-03-01,,usd,,
"""

BAD_RATES = """
C-2001,1,compute_hours,graduated,1,100,0.5,,,
C-2001,1,compute_hours,graduated,2,50,0.4,,,
C-2001,1,compute_hours,graduated,3,500,0.3,,,
C-2002,1,egress_gb,package,1,,4.00,,,
C-2002,1,api_requests,per_unit,1,,-0.01,,,
C-2002,1,gpu_hours,per_unit,1,,1.00,,,
C-2003,2,egress_gb,per_unit,1,,0.1,,,
"""


def build_seeds(project: Path, select: tuple[str, ...] = ("contracts", "contract_rates", "meters")):
    """dbt build of the selected seeds and their checks only (in memory), for the project at
    `project` (by default the contract seeds)."""
    from dbt.cli.main import dbtRunner

    return dbtRunner().invoke(
        [
            "build",
            *on_memory_target(project),
            "--select",
            *select,
            "--indirect-selection",
            "cautious",
            # the project itself: this worker's target and log folders (a copy has its own)
            *(worker_paths() if project == PROJECT_DIR else []),
        ]
    )


def copy_project(target: Path) -> Path:
    """A copy of the dbt project (no data, no build output) to change seeds in."""
    for part in PROJECT_PARTS:
        source = PROJECT_DIR / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    return target


@pytest.fixture(scope="module")
def broken_build(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Messages of a build of the seeds and their checks, with every rule broken once."""
    project = copy_project(tmp_path_factory.mktemp("project"))
    with (project / "seeds" / "contracts.csv").open("a") as handle:
        handle.write(BAD_CONTRACTS.lstrip())
    with (project / "seeds" / "contract_rates.csv").open("a") as handle:
        handle.write(BAD_RATES.lstrip())
    result = build_seeds(project)
    assert not result.success
    return "\n".join(f"{node.node.name}: {node.message}" for node in result.result.results)


@pytest.mark.parametrize(
    "message",
    [
        "tenant tenant-x: contract C-2001 version 1 [2026-01-01, 2026-06-01) overlaps "
        "contract C-2002 version 1 [2026-05-01, open)",
        "contract C-2003: versions 1, 3 are not numbered 1..2",
        "contract C-2001 version 1 meter compute_hours tier 2: up_to must increase",
        "contract C-2001 version 1 meter compute_hours tier 3: the last tier must be unbounded",
        "contract C-2002 version 1 meter egress_gb tier 1: package needs a package_size > 0",
        "contract C-2002 version 1 meter api_requests tier 1: unit_price is negative",
        "contract C-2002 version 1 meter gpu_hours: meter is not in meters.csv",
        "contract C-2003 version 2 meter egress_gb: no such contract version in contracts.csv",
    ],
)
def test_broken_seed_is_reported_by_name(broken_build: str, message: str) -> None:
    assert message in broken_build


def test_shipped_seeds_pass_every_rule() -> None:
    result = build_seeds(PROJECT_DIR)
    assert result.success, [str(node.message) for node in result.result.results]
