"""`trueup query`: run one of the finance queries in analyses/ against the warehouse, read-only.

The analysis is compiled by dbt (refs and vars resolved for the warehouse of the duckdb
target) without opening the warehouse, then run through a read-only DuckDB connection. While a
build holds the warehouse the command says so and exits 2, like `trueup summary`.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path

from trueup_tools import PROJECT_DIR, warehouse
from trueup_tools.runner import run_dbt, warehouse_path

ANALYSES_DIR = PROJECT_DIR / "analyses"


def available() -> list[str]:
    """Names of the finance queries (the .sql files of analyses/)."""
    return sorted(path.stem for path in ANALYSES_DIR.glob("*.sql"))


VAR_PATTERN = re.compile(r"""\bvar\(\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]""")
"""How an analysis reads a dbt var (directly or through trueup_period_var)."""
PERIOD_VAR_PATTERN = re.compile(r"""trueup_period_var\(\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]""")


def query_vars(name: str) -> dict[str, str]:
    """The vars analysis `name` reads, each with what it expects: `period` (a month) or `text`."""
    sql = (ANALYSES_DIR / f"{name}.sql").read_text(encoding="utf-8")
    found = dict.fromkeys(VAR_PATTERN.findall(sql), "text")
    found.update(dict.fromkeys(PERIOD_VAR_PATTERN.findall(sql), "period"))
    return found


def period_start(value: str) -> str | None:
    """The first day (YYYY-MM-01) of the period named by a month YYYY-MM or a date YYYY-MM-DD
    in it, or None when `value` is neither (the rule of macros/trueup_period_var.sql)."""
    text = value.strip()
    day = text + "-01" if len(text) == 7 else text
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", day):
        return None
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        return None
    return parsed.replace(day=1).isoformat()


def parse_vars(pairs: list[str], expected: dict[str, str] | None = None) -> dict[str, str]:
    """`key=value` pairs as dbt vars; raises ValueError naming a malformed pair. With
    `expected` (a query's vars, see query_vars), also an unknown var, an empty value or a
    period that is not one. Values are passed to dbt as they are: the analyses quote them as
    text (trueup_string_literal), never as SQL."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ValueError(f"--var expects key=value, got {pair!r}")
        if expected is not None:
            if key not in expected:
                known = ", ".join(sorted(expected)) or "none"
                raise ValueError(f"--var {key}: this query has no var {key!r} (its vars: {known})")
            if not value.strip():
                raise ValueError(f"--var {key}: the value is empty")
            if expected[key] == "period" and period_start(value) is None:
                raise ValueError(
                    f"--var {key} expects a period: its month YYYY-MM or a date YYYY-MM-DD in it "
                    f"(e.g. 2026-09 or 2026-09-01); got {value!r}"
                )
        out[key] = value
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
        dbt_vars = parse_vars(args.var, query_vars(args.name))
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
