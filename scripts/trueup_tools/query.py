"""`trueup query`: run one of the finance queries in analyses/ against the warehouse, read-only.

dbt compiles the analyses (refs and vars resolved for the warehouse of the duckdb target) and
the compiled SQL is cached, so that a query answers without starting dbt while the project is
unchanged. The cache (target/query_cache/queries.json; under DBT_TARGET_PATH when that is set)
holds every analysis compiled by two `dbt compile --select resource_type:analysis`: one without
vars, one with each query var set to a placeholder. At query time the placeholder's SQL string
literal becomes a DuckDB parameter and the validated value is bound to it: a value is always
data, never SQL. The cache is keyed by a hash of the project's files (analyses, macros, models,
the seeds' YAML, dbt_project.yml, profiles.yml), TRUEUP_TARGET, the warehouse file's name (the
SQL's catalog) and the dbt version; when the key does not match (the project changed), the
command compiles again and says so. A full `trueup build` refreshes the cache. While a build
holds the warehouse the command says so and exits 2, like `trueup summary`.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import sys
import textwrap
from dataclasses import dataclass
from datetime import date
from importlib import metadata
from pathlib import Path

from trueup_tools import PROFILES_FILE, PROJECT_DIR, warehouse
from trueup_tools.warehouse import warehouse_path

ANALYSES_DIR = PROJECT_DIR / "analyses"

CACHE_VERSION = 1
KEYED_FOLDERS = ("analyses", "macros", "models", "seeds", "snapshots")
"""Folders whose files can change what an analysis compiles to (seeds: only their YAML)."""
KEYED_FILES = ("dbt_project.yml", PROFILES_FILE, "packages.yml", "dependencies.yml")
KEYED_ENV = ("TRUEUP_TARGET",)
"""Profile inputs besides the warehouse path (which names the compiled SQL's catalog)."""


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


def all_query_vars() -> dict[str, str]:
    """Every var of every analysis, with what it expects."""
    found: dict[str, str] = {}
    for name in available():
        found.update(query_vars(name))
    return found


def describe(name: str) -> str:
    """The first sentence of the analysis's leading comment (what the query shows)."""
    lines = []
    for line in (ANALYSES_DIR / f"{name}.sql").read_text(encoding="utf-8").splitlines():
        if not line.startswith("--"):
            break
        lines.append(line.removeprefix("--").strip())
    text = " ".join(lines)
    return text.split(". ")[0].rstrip(".") if text else ""


def period_start(value: str) -> str | None:
    """The first day (YYYY-MM-01) of the period named by a month YYYY-MM or a date YYYY-MM-DD
    in it, or None when `value` is neither (the rule of macros/project/trueup_period_var.sql)."""
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


# ---------------------------------------------------------------------------------------------
# The cache of compiled analyses


def placeholders(kinds: dict[str, str]) -> dict[str, str]:
    """A placeholder value per var, as given to dbt: text vars get a unique word, period vars
    a month of a year no data has (trueup_period_var accepts only real months). The value the
    compiled SQL holds is `placeholder_literal`."""
    out = {}
    for index, (var, kind) in enumerate(sorted(kinds.items())):
        out[var] = f"{1001 + index:04d}-07" if kind == "period" else f"trueup_query_param_{var}"
    return out


def placeholder_literal(value: str, kind: str) -> str:
    """The SQL string literal the analyses' macros make of a placeholder value."""
    text = f"{value}-01" if kind == "period" else value
    return "'" + text + "'"


def bound_value(value: str, kind: str) -> str:
    """What a var's validated value stands for in SQL: a period's first day, or the text."""
    if kind == "period":
        start = period_start(value)
        assert start is not None  # parse_vars validated it
        return start
    return value


def cache_dir(project_dir: Path = PROJECT_DIR) -> Path:
    """The folder of the query cache and of its dbt compiles (under dbt's target path)."""
    target = Path(os.environ.get("DBT_TARGET_PATH") or "target")
    return (target if target.is_absolute() else project_dir / target) / "query_cache"


def project_key(project_dir: Path = PROJECT_DIR) -> str:
    """A hash of everything a compiled analysis depends on: the project's files, the profile's
    environment, the warehouse's file name (the SQL's catalog) and the dbt version."""
    digest = hashlib.sha256(f"trueup-query-cache {CACHE_VERSION}\n".encode())
    files: list[Path] = []
    for folder in KEYED_FOLDERS:
        root = project_dir / folder
        if root.is_dir():
            files += [
                p
                for p in root.rglob("*")
                if p.is_file() and (folder != "seeds" or p.suffix in {".yml", ".yaml"})
            ]
    files += [project_dir / name for name in KEYED_FILES if (project_dir / name).is_file()]
    for path in sorted(files):
        relative = path.relative_to(project_dir).as_posix()
        digest.update(f"{relative}\0{len(relative)}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for name in KEYED_ENV:
        digest.update(f"{name}={os.environ.get(name, '')}\0".encode())
    # dbt-duckdb names the catalog after the warehouse file (its name without the extension)
    digest.update(f"catalog={warehouse_path(project_dir).stem}\0".encode())
    with contextlib.suppress(metadata.PackageNotFoundError):  # else the key omits it
        digest.update(f"dbt-core={metadata.version('dbt-core')}\0".encode())
    return digest.hexdigest()


@dataclass
class CachedQuery:
    """One analysis as cached: its SQL without vars, and with parameters for its vars."""

    plain: str
    parameterized: str | None
    vars: dict[str, str]


def _compile_all(dbt_vars: dict[str, str] | None, target: Path) -> dict[str, str]:
    """Every analysis compiled by dbt (one invocation), into its own target path so that the
    project's target/ (and its partial parsing) is left alone."""
    from trueup_tools.runner import run_dbt

    result = run_dbt(
        "compile",
        dbt_vars=dbt_vars,
        extra=[
            "--select",
            "resource_type:analysis",
            "--no-populate-cache",
            "--target-path",
            str(target),
            "--log-level",
            "none",
        ],
    )
    compiled = {
        r.node.name: r.node.compiled_code
        for r in result.node_results
        if r.node.resource_type == "analysis"
    }
    if not result.success or not compiled:
        detail = result.exception or "; ".join(result.failures()) or "nothing compiled"
        raise CompileError(f"dbt could not compile the analyses: {detail}")
    return compiled


def _parameterize(sql: str, kinds: dict[str, str], values: dict[str, str]) -> str | None:
    """`sql` compiled with placeholder `values` with each placeholder literal replaced by the
    DuckDB parameter $<var>, or None when a placeholder does not appear exactly as a literal
    (then the var is not used as plain text, and only dbt can compile the query)."""
    for var, kind in kinds.items():
        literal = placeholder_literal(values[var], kind)
        bare = literal.strip("'")
        if sql.count(literal) == 0 or sql.count(bare) != sql.count(literal):
            return None
        sql = sql.replace(literal, f"${var}")
    return sql


def build_cache(project_dir: Path = PROJECT_DIR) -> dict[str, CachedQuery]:
    """Compile every analysis with dbt (twice: vars unset, vars as placeholders), store the
    result in the cache and return it."""
    kinds = all_query_vars()
    values = placeholders(kinds)
    key = project_key(project_dir)
    base = cache_dir(project_dir)
    plain = _compile_all(None, base / "plain")
    bound = _compile_all(values, base / "bound") if kinds else {}
    queries: dict[str, CachedQuery] = {}
    for name, sql in plain.items():
        own = {var: kinds[var] for var in query_vars(name)} if name in available() else {}
        parameterized = _parameterize(bound[name], own, values) if own and name in bound else None
        queries[name] = CachedQuery(plain=sql, parameterized=parameterized, vars=own)
    store_cache(queries, key, project_dir)
    return queries


def store_cache(queries: dict[str, CachedQuery], key: str, project_dir: Path = PROJECT_DIR) -> None:
    """Write the cache for the project state `key` (atomically: a reader sees the old or the
    new file, never half of one)."""
    payload = {
        "version": CACHE_VERSION,
        "key": key,
        "queries": {
            name: {"plain": q.plain, "parameterized": q.parameterized, "vars": q.vars}
            for name, q in queries.items()
        },
    }
    base = cache_dir(project_dir)
    base.mkdir(parents=True, exist_ok=True)
    temporary = base / f"queries.json.{os.getpid()}"
    temporary.write_text(json.dumps(payload, indent=1), encoding="utf-8")
    os.replace(temporary, base / "queries.json")


def load_cache(project_dir: Path = PROJECT_DIR) -> dict[str, CachedQuery] | None:
    """The cached analyses, or None when there is no cache or it was made for another state of
    the project."""
    path = cache_dir(project_dir) / "queries.json"
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if payload.get("version") != CACHE_VERSION or payload.get("key") != project_key(project_dir):
        return None
    return {
        name: CachedQuery(q["plain"], q.get("parameterized"), dict(q.get("vars") or {}))
        for name, q in payload.get("queries", {}).items()
    }


def warm_cache(project_dir: Path = PROJECT_DIR) -> bool:
    """Make sure the cache matches the project (compiling when it does not); a failure is
    reported on stderr and does not fail the caller (`trueup query` compiles then)."""
    if load_cache(project_dir) is not None:
        return True
    try:
        build_cache(project_dir)
    except CompileError as error:
        print(f"trueup: the finance queries were not cached ({error})", file=sys.stderr)
        return False
    return True


def compile_analysis(name: str, dbt_vars: dict[str, str]) -> str:
    """The SQL of analysis `name` compiled by dbt for the duckdb target's warehouse (the slow
    path, into target/query_cache/direct; `--no-populate-cache` keeps dbt from listing the
    warehouse's relations, so compiling does not open the file, which a build may hold)."""
    from trueup_tools.runner import run_dbt

    result = run_dbt(
        "compile",
        dbt_vars=dbt_vars or None,
        extra=[
            "--select",
            name,
            "--no-populate-cache",
            "--target-path",
            str(cache_dir() / "direct"),
            "--log-level",
            "none",
        ],
    )
    nodes = [r.node for r in result.node_results if r.node.resource_type == "analysis"]
    if not result.success or not nodes:
        detail = result.exception or "; ".join(result.failures()) or "nothing compiled"
        raise CompileError(f"dbt could not compile analysis {name}: {detail}")
    return nodes[0].compiled_code


@dataclass
class Prepared:
    """A query ready to run: its SQL, the parameters to bind, and where the SQL came from."""

    sql: str
    params: dict[str, str]
    source: str  # "cache" or "dbt"


def prepare(name: str, dbt_vars: dict[str, str]) -> Prepared:
    """The SQL and parameters of analysis `name` with `dbt_vars` (validated by parse_vars):
    from the cache when it matches the project (compiling it first when it does not), else
    compiled by dbt. Says on stderr when dbt compiles."""
    cache = load_cache()
    if cache is None:
        print(
            "trueup query: compiling the finance queries with dbt (the project changed since "
            "they were cached, or they never were); the next queries answer from the cache.",
            file=sys.stderr,
        )
        try:
            cache = build_cache()
        except CompileError as error:
            print(f"trueup query: {error}; compiling {name} alone.", file=sys.stderr)
            cache = {}
    cached = cache.get(name)
    if cached is not None:
        if not dbt_vars:
            return Prepared(cached.plain, {}, "cache")
        if cached.parameterized is not None and set(dbt_vars) == set(cached.vars):
            params = {var: bound_value(dbt_vars[var], cached.vars[var]) for var in dbt_vars}
            return Prepared(cached.parameterized, params, "cache")
        print(
            f"trueup query: the cache cannot bind this combination of vars of {name}: "
            "compiling it with dbt.",
            file=sys.stderr,
        )
    return Prepared(compile_analysis(name, dbt_vars), {}, "dbt")


# ---------------------------------------------------------------------------------------------
# The command


def help_epilog() -> str:
    """The queries and their vars, for `trueup query --help`."""
    lines = ["queries (the .sql files of analyses/):"]
    for name in available():
        lines.append(f"  {name}")
        summary = describe(name)
        if summary:
            lines += textwrap.wrap(
                f"{summary}.", width=88, initial_indent=" " * 6, subsequent_indent=" " * 6
            )
        for var, kind in sorted(query_vars(name).items()):
            what = "a period: YYYY-MM or a date YYYY-MM-DD in it" if kind == "period" else "text"
            lines.append(f"      --var {var}=VALUE   ({what})")
    lines += [
        "",
        "The SQL is dbt's compile of the analysis, cached in target/query_cache/ until the project",
        "changes (then the query compiles again, and says so); see docs/configuration.md.",
        "",
        "examples:",
        "  trueup query variances_needing_review --var review_period=2026-09",
        "  trueup query tenant_trueup_statement --var statement_tenant=tenant-002 --csv out.csv",
    ]
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `trueup query`."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = help_epilog()
    parser.add_argument("name", help="the query: a file name of analyses/ without .sql (below)")
    parser.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a var of the query, e.g. statement_tenant=tenant-002 (repeatable; see below)",
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
    try:
        warehouse.open_built(path, command="`trueup query`").close()
    except (warehouse.WarehouseNotBuiltError, warehouse.WarehouseBusyError) as error:
        print(error, file=sys.stderr)
        return 2
    try:
        prepared = prepare(args.name, dbt_vars)
    except CompileError as error:
        print(error, file=sys.stderr)
        return 2
    try:
        con = warehouse.connect(path, read_only=True)
    except warehouse.WarehouseBusyError as busy:
        print(busy, file=sys.stderr)
        return 2
    try:
        relation = con.sql(prepared.sql, params=prepared.params or None)
        warehouse.show_or_write_csv(relation, args.csv, args.max_rows, f"{args.name}: ")
    finally:
        con.close()
    return 0
