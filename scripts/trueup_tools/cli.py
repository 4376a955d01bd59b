"""The `trueup` command: one entry point, one subcommand per task."""

from __future__ import annotations

import argparse
import sys

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


def build_parser() -> argparse.ArgumentParser:
    """All subcommands and their options."""
    parser = argparse.ArgumentParser(prog="trueup", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="write deterministic sample data and its ground truth")
    generate.add_arguments(gen)
    gen.set_defaults(func=generate.run)

    run_build = sub.add_parser("build", help="dbt build on DuckDB with the given vars")
    build.add_build_arguments(run_build)
    run_build.set_defaults(func=build.run_build)

    demo = sub.add_parser(
        "demo",
        help="the main job: sample data, dbt build on DuckDB, a summary and the quality check",
    )
    build.add_demo_arguments(demo)
    demo.set_defaults(func=build.run_demo)

    bench = sub.add_parser(
        "benchmark", help="time full and incremental builds of the usage models against a floor"
    )
    benchmark.add_arguments(bench)
    bench.set_defaults(func=benchmark.run)

    summarize = sub.add_parser("summary", help="summarize the marts of the last build")
    summary.add_arguments(summarize)
    summarize.set_defaults(func=summary.run)

    check = sub.add_parser(
        "check",
        help="Great Expectations checkpoint over the finance marts, with offline Data Docs",
        description=quality.__doc__.split("\n\n")[0],
    )
    quality.add_arguments(check)
    check.set_defaults(func=quality.run)

    ask = sub.add_parser(
        "query",
        help="run a finance query of analyses/ against the warehouse (read-only, cached SQL)",
        description=query.__doc__.split("\n\n")[0],
    )
    query.add_arguments(ask)
    ask.set_defaults(func=query.run)

    measure = sub.add_parser(
        "metrics",
        help="query the semantic layer's metrics with exact decimals (MetricFlow's SQL, read-only)",
        description=metrics.__doc__.split("\n\n")[0],
    )
    metrics.add_arguments(measure)
    measure.set_defaults(func=metrics.run)

    passthrough = sub.add_parser(
        "dbt",
        help="dbt itself on this project (its profile and paths from any folder); --vars checked",
        description=dbt_command.__doc__.split("\n\n")[0],
    )
    dbt_command.add_arguments(passthrough)
    passthrough.set_defaults(func=dbt_command.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen subcommand; returns its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
