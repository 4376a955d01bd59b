"""`trueup query`: run one of the finance queries in analyses/ against the warehouse, read-only.

The analysis is compiled by dbt (refs and vars resolved for the warehouse of the duckdb
target) without opening the warehouse, then run through a read-only DuckDB connection. While a
build holds the warehouse the command says so and exits 2, like `trueup summary`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from trueup_tools import PROJECT_DIR, warehouse
from trueup_tools.runner import run_dbt, warehouse_path

ANALYSES_DIR = PROJECT_DIR / "analyses"


def available() -> list[str]:
    """Names of the finance queries (the .sql files of analyses/)."""
    return sorted(path.stem for path in ANALYSES_DIR.glob("*.sql"))


def parse_vars(pairs: list[str]) -> dict[str, str]:
    """`key=value` pairs as dbt vars; raises ValueError naming a malformed pair."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--var expects key=value, got {pair!r}")
        out[key.strip()] = value
    return out


class CompileError(Exception):
    """dbt could not compile the analysis."""


def compile_analysis(name: str, dbt_vars: dict[str, str]) -> str:
    """The SQL of analysis `name` compiled for the duckdb target's warehouse.

    `--no-populate-cache` keeps dbt from listing the warehouse's relations, so compiling does
    not open the file (a build may hold it).
    """
    result = run_dbt(
        "compile",
        dbt_vars=dbt_vars or None,
        extra=["--select", name, "--no-populate-cache", "--log-level", "none"],
    )
    nodes = [r.node for r in result.node_results if r.node.resource_type == "analysis"]
    if not result.success or not nodes:
        detail = result.exception or "; ".join(result.failures()) or "nothing compiled"
        raise CompileError(f"dbt could not compile analysis {name}: {detail}")
    return nodes[0].compiled_code


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `trueup query`."""
    parser.add_argument("name", help="the query: a file name of analyses/ without .sql")
    parser.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a dbt var of the query, e.g. statement_tenant=tenant-002 (repeatable)",
    )
    parser.add_argument(
        "--csv", type=Path, default=None, help="write every row to this CSV file instead"
    )
    parser.add_argument(
        "--max-rows", type=int, default=50, help="rows to print (default 50; --csv has all)"
    )


def run(args: argparse.Namespace) -> int:
    """Entry point of `trueup query`: 0 done, 2 could not run (unknown query, busy, ...)."""
    names = available()
    if args.name not in names:
        print(
            f"unknown query {args.name!r}; the queries in analyses/ are: {', '.join(names)}",
            file=sys.stderr,
        )
        return 2
    try:
        dbt_vars = parse_vars(args.var)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    path = warehouse_path()
    if not path.exists():
        print(f"no warehouse at {path}: run ./run.sh or `trueup build` first", file=sys.stderr)
        return 2
    try:
        sql = compile_analysis(args.name, dbt_vars)
    except CompileError as error:
        print(error, file=sys.stderr)
        return 2
    try:
        con = warehouse.connect(path, read_only=True)
    except warehouse.WarehouseBusyError as busy:
        print(busy, file=sys.stderr)
        return 2
    try:
        relation = con.sql(sql)
        if args.csv is not None:
            relation.write_csv(str(args.csv))
            print(f"{args.name}: {relation.shape[0]} rows written to {args.csv}")
        else:
            relation.show(max_rows=args.max_rows, max_width=200)
    finally:
        con.close()
    return 0
