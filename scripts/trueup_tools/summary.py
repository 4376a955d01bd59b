"""A short, human-readable summary of what the last build produced (read from the marts)."""

from __future__ import annotations

import argparse
from decimal import Decimal
from pathlib import Path

import duckdb

from trueup_tools.runner import warehouse_path

TOP_TENANTS = 5


def _scalar(con: duckdb.DuckDBPyConnection, query: str) -> object:
    rows = con.execute(query).fetchall()
    return rows[0][0] if rows else None


def _quantity(value: Decimal) -> str:
    """A quantity without trailing zeros, grouped by thousands."""
    text = f"{value:,.9f}".rstrip("0").rstrip(".")
    return text or "0"


def usage_summary(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Lines describing the usage marts: accepted, duplicates, quarantine, late, top tenants."""
    totals = con.execute(
        """
        select
            coalesce(sum(event_count), 0),
            coalesce(sum(duplicate_count), 0),
            coalesce(sum(late_event_count), 0),
            coalesce(sum(clock_skew_corrected_count), 0),
            count(distinct tenant_id),
            min(usage_date),
            max(usage_date)
        from finance.fct_usage_daily
        """
    ).fetchall()[0]
    accepted, duplicates, late, skewed, tenants, first_day, last_day = totals
    conflicting = _scalar(con, "select count(*) from ops.usage_duplicates where is_conflicting")
    span = f"{tenants} tenants, {first_day} .. {last_day}"
    lines = [
        "Usage",
        f"  events accepted          {accepted:>12,}  ({span})",
        f"  duplicates removed       {duplicates:>12,}  ({conflicting:,} conflicting)",
        f"  late events              {late:>12,}  (counted on their true day)",
        f"  clock-skew corrected     {skewed:>12,}",
    ]
    reasons = con.execute(
        "select reason, count(*) from ops.usage_quarantine group by reason order by 2 desc, 1"
    ).fetchall()
    quarantined = sum(count for _, count in reasons)
    lines.append(f"  quarantined              {quarantined:>12,}")
    lines += [f"    {reason:<22} {count:>12,}" for reason, count in reasons]
    top = con.execute(
        f"""
        select tenant_id, sum(event_count) as events
        from finance.fct_usage_daily
        group by tenant_id
        order by events desc, tenant_id
        limit {TOP_TENANTS}
        """
    ).fetchall()
    if top:
        lines.append(f"  top {len(top)} tenants by accepted events")
    for tenant_id, events in top:
        per_meter = con.execute(
            """
            select meter, unit, aggregation,
                case when max(aggregation) = 'max' then max(quantity) else sum(quantity) end
            from finance.fct_usage_daily
            where tenant_id = ?
            group by meter, unit, aggregation
            order by meter
            """,
            [tenant_id],
        ).fetchall()
        usage = ", ".join(
            f"{meter} {_quantity(quantity)} {unit}{' (peak)' if aggregation == 'max' else ''}"
            for meter, unit, aggregation, quantity in per_meter
        )
        lines.append(f"    {tenant_id:<14} {events:>9,} events: {usage}")
    return lines


def print_summary(database: Path | None = None, *, read_only: bool = True) -> int:
    """Print the summary of the warehouse at `database` (default: the project's warehouse)."""
    path = database or warehouse_path()
    if not path.exists():
        print(f"No warehouse at {path}: run the build first (see README).")
        return 1
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        print("\n".join(usage_summary(con)))
    finally:
        con.close()
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `trueup summary`."""
    parser.add_argument("--database", type=Path, default=None, help="DuckDB file to read")


def run(args: argparse.Namespace) -> int:
    """Entry point of `trueup summary`."""
    return print_summary(args.database)
