"""`trueup metrics`: the finance metrics of the semantic layer, with exact decimals.

MetricFlow's `mf query` converts results to floating point (`--csv` writes 194.975000000001
for 194.975, whatever `--decimals` says). This command asks MetricFlow only for the SQL of the
query (the same SQL `mf query --explain` prints, from target/semantic_manifest.json) and runs
it through a read-only DuckDB connection, so every amount is the warehouse's DECIMAL, printed
or written to CSV digit for digit. Metrics, group-by items and filters are MetricFlow's:
`mf list metrics` and `mf list dimensions --metrics X` list them.

Exit codes: 0 done; 2 could not run (no warehouse or marts, a build holds the warehouse, an
unknown metric or dimension, an invalid filter).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from trueup_tools import PROJECT_DIR, warehouse
from trueup_tools.runner import run_dbt, warehouse_path

SEMANTIC_MANIFEST = PROJECT_DIR / "target" / "semantic_manifest.json"
# What the semantic manifest is parsed from: newer files mean it is out of date.
PROJECT_INPUTS = ("dbt_project.yml", "models")
# Time dimensions at these grains are whole days: shown and written as dates.
DATE_GRAINS = ("__day", "__week", "__month", "__quarter", "__year")


class MetricsError(Exception):
    """The query cannot run; the message says why and what to do."""


def comma_list(text: str | None) -> list[str]:
    """The non-empty items of a comma-separated option."""
    return [item.strip() for item in (text or "").split(",") if item.strip()]


def manifest_is_stale(manifest: Path = SEMANTIC_MANIFEST) -> bool:
    """Whether the semantic manifest is missing or older than a model, YAML or dbt_project.yml."""
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    for name in PROJECT_INPUTS:
        path = PROJECT_DIR / name
        files = [path] if path.is_file() else path.rglob("*")
        if any(f.suffix in {".yml", ".yaml", ".sql"} and f.stat().st_mtime > built for f in files):
            return True
    return False


def refresh_manifest() -> None:
    """`dbt parse` (it writes target/semantic_manifest.json; it does not open the warehouse)."""
    print("target/semantic_manifest.json is missing or out of date: dbt parse", file=sys.stderr)
    result = run_dbt("parse", extra=["--quiet"])
    if not result.success or not SEMANTIC_MANIFEST.exists():
        raise MetricsError(f"dbt parse failed, no semantic manifest: {result.exception}")


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def manifest_for_catalog(raw: dict[str, Any], catalog: str) -> dict[str, Any]:
    """The semantic manifest with every relation in `catalog`, the connected warehouse.

    dbt names a DuckDB relation after the warehouse file it parsed for (`"trueup".finance.x`
    for trueup.duckdb); the schemas and tables are the same in every warehouse of the duckdb
    target, so the query reads the warehouse it was given, whatever target/ was parsed for.
    """
    manifest = json.loads(json.dumps(raw))
    relations = [model["node_relation"] for model in manifest.get("semantic_models", [])]
    for spine in manifest.get("project_configuration", {}).get("time_spines", []):
        relations.append(spine["node_relation"])
    for relation in relations:
        relation["database"] = catalog
        relation["relation_name"] = ".".join(
            _quote(part) for part in (catalog, relation["schema_name"], relation["alias"])
        )
    configuration = manifest.get("project_configuration", {})
    for table in configuration.get("time_spine_table_configurations", []):
        parts = str(table.get("location", "")).split(".")
        if len(parts) == 3:
            table["location"] = ".".join([catalog, *parts[1:]])
    return manifest


@dataclass(frozen=True)
class MetricQuery:
    """A metric query as MetricFlow takes it (names as `mf query` takes them)."""

    metrics: list[str]
    group_by: list[str]
    where: list[str]
    order: list[str]
    limit: int | None = None


def metric_sql(query: MetricQuery, manifest: dict[str, Any]) -> str:
    """The DuckDB SQL MetricFlow generates for `query` against `manifest` (no SQL is run)."""
    from metricflow.engine.metricflow_engine import MetricFlowEngine, MetricFlowQueryRequest
    from metricflow.protocols.sql_client import SqlClient, SqlEngine
    from metricflow.sql.render.duckdb_renderer import DuckDbSqlPlanRenderer
    from metricflow_semantics.errors.error_classes import MetricFlowException
    from metricflow_semantics.model.dbt_manifest_parser import (
        parse_manifest_from_dbt_generated_manifest,
    )
    from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup

    class ExplainOnlyClient(SqlClient):
        """The DuckDB dialect for MetricFlow's SQL rendering; it never runs SQL itself."""

        @property
        def sql_engine_type(self) -> SqlEngine:
            return SqlEngine.DUCKDB

        @property
        def sql_plan_renderer(self) -> DuckDbSqlPlanRenderer:
            return DuckDbSqlPlanRenderer()

        def _refuse(self, *args: object, **kwargs: object) -> Any:
            raise NotImplementedError("trueup metrics runs MetricFlow's SQL itself")

        query = execute = dry_run = _refuse

        def close(self) -> None:
            return None

        def render_bind_parameter_key(self, bind_parameter_key: str) -> str:
            return f"${bind_parameter_key}"

    try:
        semantic_manifest = parse_manifest_from_dbt_generated_manifest(
            manifest_json_string=json.dumps(manifest)
        )
        engine = MetricFlowEngine(
            semantic_manifest_lookup=SemanticManifestLookup(semantic_manifest),
            sql_client=ExplainOnlyClient(),
        )
        explained = engine.explain(
            MetricFlowQueryRequest.create(
                metric_names=query.metrics,
                group_by_names=query.group_by or None,
                where_constraints=query.where or None,
                order_by_names=query.order or None,
                limit=query.limit,
            )
        )
        statement = explained.sql_statement
    except MetricFlowException as error:
        raise MetricsError(str(error)) from error
    if statement.bind_parameter_set.param_dict:
        raise MetricsError("MetricFlow generated SQL with bind parameters, which this cannot run")
    return statement.sql


def load_manifest(path: Path | None = None) -> dict[str, Any]:
    """The semantic manifest at `path`; by default the project's
    target/semantic_manifest.json, parsed again first when missing or out of date."""
    if path is None:
        if manifest_is_stale():
            refresh_manifest()
        path = SEMANTIC_MANIFEST
    elif not path.is_file():
        raise MetricsError(f"no semantic manifest at {path} (dbt parse writes one to target/)")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise MetricsError(f"{path} is not a semantic manifest: {error}") from error


def exact_relation(con: duckdb.DuckDBPyConnection, sql: str) -> duckdb.DuckDBPyRelation:
    """The query's result, its day-or-coarser time dimensions as dates (they are midnights)."""
    relation = con.sql(sql)
    columns = []
    for name, kind in zip(relation.columns, relation.types, strict=True):
        quoted = _quote(name)
        if str(kind).startswith("TIMESTAMP") and name.endswith(DATE_GRAINS):
            columns.append(f"cast({quoted} as date) as {quoted}")
        else:
            columns.append(quoted)
    return relation.project(", ".join(columns))


def open_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the built warehouse at `path`; never creates the file."""
    if not path.exists():
        raise MetricsError(
            f"no warehouse at {path}: build it first (./run.sh, `trueup build` or `dbt build`)"
        )
    try:
        con = warehouse.connect(path, read_only=True)
    except warehouse.WarehouseBusyError as busy:
        raise MetricsError(str(busy)) from busy
    con.execute("set TimeZone = 'UTC'")
    return con


def run_query(con: duckdb.DuckDBPyConnection, sql: str, path: Path) -> duckdb.DuckDBPyRelation:
    """The exact result of `sql`; a warehouse without the marts is a clear error."""
    try:
        return exact_relation(con, sql)
    except duckdb.Error as error:
        first_line = str(error).splitlines()[0]
        if isinstance(error, duckdb.CatalogException):
            message = (
                f"the warehouse {path} lacks a mart the metrics read ({first_line}): "
                "build it first (./run.sh, `trueup build` or `dbt build`)"
            )
        else:
            message = (
                f"the warehouse could not run the query's SQL ({first_line}); check the "
                "--where filters (`trueup metrics ... --explain` prints the SQL)"
            )
        raise MetricsError(message) from error


def help_epilog(manifest: Path = SEMANTIC_MANIFEST) -> str:
    """The metrics and the dimensions every metric shares, read from the semantic manifest
    when there is one (the dimension models: tenants, meters)."""
    tail = "Each metric also groups by its mart's dimensions (mf list dimensions --metrics X)."
    try:
        raw = json.loads(manifest.read_text("utf-8"))
        names = sorted(metric["name"] for metric in raw["metrics"])
        shared = ["metric_time__month (also __day, __week, __quarter, __year)"]
        for model in raw["semantic_models"]:
            if model.get("measures"):
                continue
            for entity in model["entities"]:
                if entity["type"] == "primary":
                    shared.append(entity["name"])
                    shared += [f"{entity['name']}__{d['name']}" for d in model["dimensions"]]
    except (OSError, ValueError, KeyError, TypeError):
        return f"{tail} See docs/metrics.md."
    return (
        f"Metrics: {', '.join(names)}. Every metric groups by {', '.join(shared)}. {tail} "
        "See docs/metrics.md."
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `trueup metrics` (the names `mf query` takes)."""
    parser.epilog = help_epilog()
    parser.add_argument(
        "--metrics",
        required=True,
        help="comma list of metrics, e.g. expected_amount,billed_amount (`mf list metrics`)",
    )
    parser.add_argument(
        "--group-by",
        default="",
        help="comma list of dimensions and entities, e.g. tenant,meter,metric_time__month or "
        "tenant__contract_currency,meter__unit (`mf list dimensions --metrics X`)",
    )
    parser.add_argument(
        "--where",
        action="append",
        default=[],
        help="a MetricFlow filter, e.g. \"{{ Dimension('tenant__contract_currency') }} = 'EUR'\" "
        "or \"{{ TimeDimension('metric_time', 'month') }} >= '2026-09-01'\" "
        "(repeatable: all apply)",
    )
    parser.add_argument(
        "--order",
        default="",
        help="comma list of metrics or group-by items to order by, prefix - for descending, "
        "e.g. --order=-absolute_variance (default: the --group-by items, in order)",
    )
    parser.add_argument("--limit", type=int, default=None, help="at most this many rows")
    parser.add_argument(
        "--csv", type=Path, default=None, help="write every row to this CSV file (exact decimals)"
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print the SQL MetricFlow generates for the warehouse; run nothing",
    )
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=None,
        help="the DuckDB warehouse "
        "(default: TRUEUP_DUCKDB_PATH, else data/warehouse/trueup.duckdb)",
    )
    parser.add_argument(
        "--semantic-manifest",
        type=Path,
        default=None,
        help="a semantic_manifest.json to read (default: the project's "
        "target/semantic_manifest.json, refreshed with dbt parse when the models changed)",
    )
    parser.add_argument(
        "--max-rows", type=int, default=50, help="rows to print (default 50; --csv has all)"
    )


def run(args: argparse.Namespace) -> int:
    """Entry point of `trueup metrics`: 0 done, 2 could not run."""
    query = MetricQuery(
        metrics=comma_list(args.metrics),
        group_by=comma_list(args.group_by),
        where=[w for w in args.where if w.strip()],
        # a stable default: by the group-by items, as given
        order=comma_list(args.order) or comma_list(args.group_by),
        limit=args.limit,
    )
    path = (args.warehouse or warehouse_path()).resolve()
    try:
        if not query.metrics:
            raise MetricsError("--metrics: name at least one metric (`mf list metrics`)")
        if args.explain:
            # DuckDB names a file's catalog after its stem: the SQL runs in `duckdb <path>`
            manifest = manifest_for_catalog(load_manifest(args.semantic_manifest), path.stem)
            print(metric_sql(query, manifest))
            return 0
        con = open_warehouse(path)
        try:
            catalog = con.sql("select current_database()").fetchall()[0][0]
            manifest = manifest_for_catalog(load_manifest(args.semantic_manifest), catalog)
            sql = metric_sql(query, manifest)
            relation = run_query(con, sql, path)
            warehouse.show_or_write_csv(relation, args.csv, args.max_rows)
        finally:
            con.close()
    except MetricsError as error:
        print(f"trueup metrics: {error}", file=sys.stderr)
        return 2
    return 0
