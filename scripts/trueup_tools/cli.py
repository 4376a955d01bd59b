"""The `trueup` command: one entry point, one subcommand per task."""

from __future__ import annotations

import argparse
import sys
from types import ModuleType
from typing import NamedTuple

from trueup_tools import (
    benchmark,
    build,
    dbt_command,
    generate,
    metrics,
    quality,
    query,
    summary,
)


class Subcommand(NamedTuple):
    """One `trueup` subcommand: the module that implements it, the names of its argument and
    run functions there, and its one-line help; `describe` shows the module's first docstring
    paragraph in the subcommand's --help."""

    name: str
    module: ModuleType
    help: str
    add_arguments: str = "add_arguments"
    run: str = "run"
    describe: bool = False


SUBCOMMANDS = (
    Subcommand("generate", generate, "write deterministic sample data and its ground truth"),
    Subcommand(
        "build", build, "dbt build on DuckDB with the given vars",
        add_arguments="add_build_arguments", run="run_build",
    ),
    Subcommand(
        "demo", build,
        "the main job: sample data, dbt build on DuckDB, a summary and the quality check",
        add_arguments="add_demo_arguments", run="run_demo",
    ),
    Subcommand(
        "benchmark", benchmark,
        "time full and incremental builds of the usage models against a floor",
    ),
    Subcommand("summary", summary, "summarize the marts of the last build"),
    Subcommand(
        "check", quality,
        "Great Expectations checkpoint over the finance marts, with offline Data Docs",
        describe=True,
    ),
    Subcommand(
        "query", query,
        "run a finance query of analyses/ against the warehouse (read-only, cached SQL)",
        describe=True,
    ),
    Subcommand(
        "metrics", metrics,
        "query the semantic layer's metrics with exact decimals (MetricFlow's SQL, read-only)",
        describe=True,
    ),
    Subcommand(
        "dbt", dbt_command,
        "dbt itself on this project (its profile and paths from any folder); --vars checked",
        describe=True,
    ),
)  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    """All subcommands and their options."""
    parser = argparse.ArgumentParser(prog="trueup", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for spec in SUBCOMMANDS:
        description = spec.module.__doc__.split("\n\n")[0] if spec.describe else None
        command = sub.add_parser(spec.name, help=spec.help, description=description)
        getattr(spec.module, spec.add_arguments)(command)
        command.set_defaults(func=getattr(spec.module, spec.run))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen subcommand; returns its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
