"""A short, human-readable summary of what the last build produced (read from the marts)."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import duckdb

from trueup_tools import warehouse
from trueup_tools.runner import warehouse_path

TOP_TENANTS = 5


def _scalar(con: duckdb.DuckDBPyConnection, query: str) -> object:
    rows = con.execute(query).fetchall()
    return rows[0][0] if rows else None


def _quantity(value: Decimal) -> str:
    """A quantity rounded to 2 decimals, grouped by thousands."""
    return f"{value:,.2f}"


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
    conflicting = _scalar(con, "select count(*) from ops.fct_usage_duplicates where is_conflicting")
    span = f"{tenants} tenants, {first_day} .. {last_day}"
    lines = [
        "Usage",
        f"  events accepted          {accepted:>12,}  ({span})",
        f"  duplicates removed       {duplicates:>12,}  ({conflicting:,} conflicting)",
        f"  late events              {late:>12,}  (counted on their true day)",
        f"  clock-skew corrected     {skewed:>12,}",
    ]
    reasons = con.execute(
        "select reason, count(*) from ops.fct_usage_quarantine group by reason order by 2 desc, 1"
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
    meters = [
        meter
        for (meter,) in con.execute(
            "select distinct meter from finance.fct_usage_daily order by meter"
        ).fetchall()
    ]
    if top:
        lines.append(
            f"  top {len(top)} tenants by accepted events (quantity per meter; max meters: peak)"
        )
        lines.append(
            "    " + f"{'tenant':<12} {'events':>7}" + "".join(f" {m:>16}" for m in meters)
        )
    for tenant_id, events in top:
        quantities = dict(
            con.execute(
                """
                select meter,
                    case when max(aggregation) = 'max' then max(quantity) else sum(quantity) end
                from finance.fct_usage_daily
                where tenant_id = ?
                group by meter
                """,
                [tenant_id],
            ).fetchall()
        )
        cells = "".join(f" {_quantity(quantities.get(m, Decimal(0))):>16}" for m in meters)
        lines.append(f"    {tenant_id:<12} {events:>7,}{cells}")
    return lines


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def charges_summary(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Lines describing fct_expected_charges per period and currency, and unpriced usage."""
    rows = con.execute(
        """
        select
            period_start,
            currency,
            count(distinct tenant_id),
            sum(case when line_type = 'usage' then expected_amount else 0 end),
            sum(case when line_type = 'commitment_true_up' then expected_amount else 0 end),
            sum(expected_amount)
        from finance.fct_expected_charges
        group by period_start, currency
        order by period_start, currency
        """
    ).fetchall()
    lines = ["Expected charges (contract version in force, discounts, commitments)"]
    lines.append(
        f"  {'period':<10} {'cur':<4} {'tenants':>7} {'usage & fees':>20} "
        f"{'commitment true-up':>20} {'total':>20}"
    )
    for period, currency, tenants, usage, true_up, total in rows:
        lines.append(
            f"  {period!s:<10} {currency:<4} {tenants:>7} {_money(usage):>20} "
            f"{_money(true_up):>20} {_money(total):>20}"
        )
    unpriced = con.execute(
        """
        select unpriced_status, count(*), count(distinct tenant_id)
        from intermediate.int_usage_unpriced
        group by unpriced_status
        order by unpriced_status
        """
    ).fetchall()
    for status, keys, tenants in unpriced:
        lines.append(
            f"  not priced: {status:<15} {keys:>4} period-tenant-meter keys ({tenants} tenants)"
        )
    return lines


def variance_summary(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Lines describing fct_trueup_variance: keys per status and the open variance, for the
    closed periods and the open ones apart (an open period's billing may not have landed yet:
    the current month is billed after it ends)."""
    lines = ["True-up (period-tenant-meter keys by status, sum of |billed - expected|)"]
    for closed in (True, False):
        periods = [
            f"{period:%Y-%m}"
            for (period,) in con.execute(
                "select distinct period_start from finance.fct_trueup_variance "
                "where is_closed = ? order by 1",
                [closed],
            ).fetchall()
        ]
        if not periods:
            continue
        rows = con.execute(
            """
            select status, count(*), sum(abs(amount_variance))
            from finance.fct_trueup_variance
            where is_closed = ?
            group by status
            order by count(*) desc, status
            """,
            [closed],
        ).fetchall()
        what = "closed" if closed else "open (live figures; a month is billed after it ends)"
        lines.append(f"  {what}: {', '.join(periods)}")
        lines += [
            f"    {status:<18} {keys:>5} keys {_money(amount):>22}" for status, keys, amount in rows
        ]
    tieout = con.execute(
        "select count(*), count(case when difference <> 0 then 1 end), "
        "coalesce(sum(unmapped_lines), 0) from ops.fct_billing_tieout"
    ).fetchall()[0]
    lines.append(
        f"  billing exports: {tieout[0]} files, {tieout[1]} not tying out, "
        f"{tieout[2]} unmapped lines (ops.fct_billing_unmapped_lines)"
    )
    return lines


LEDGER_LINES = 25


def close_summary(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Lines describing closed periods and the adjustment ledger (newest entries)."""
    closes = con.execute(
        """
        select period_start, min(closed_at), sum(variance_rows)
        from finance.fct_period_closes
        group by period_start
        order by period_start
        """
    ).fetchall()
    lines = ["Closed periods"]
    lines += [
        f"  {period!s}  closed at {closed_at:%Y-%m-%d %H:%M:%S} UTC, {rows} variance rows frozen"
        for period, closed_at, rows in closes
    ] or ["  none yet (a period closes once as_of passes its end + grace_period_hours)"]
    entries = con.execute(
        f"""
        select entry_id, period_start, tenant_id, meter, amount, currency, entry_type,
            approval, reason, left(entry_hash, 12)
        from finance.fct_adjustment_ledger
        order by entry_id desc
        limit {LEDGER_LINES}
        """
    ).fetchall()
    total = con.execute("select count(*) from finance.fct_adjustment_ledger").fetchall()[0][0]
    deltas = con.execute(
        """
        select period_start, delta_status, count(*)
        from finance.fct_post_close_deltas
        group by all
        order by all
        """
    ).fetchall()
    lines += ["", "Post-close deltas (closed periods: current figures against frozen ones)"]
    lines += [f"  {period!s}  {status:<9} {count:>5} keys" for period, status, count in deltas] or [
        "  none (nothing changed after close)"
    ]
    reasons = con.execute(
        "select reason, count(*) from finance.fct_adjustment_ledger "
        "group by reason order by min(entry_id)"
    ).fetchall()
    lines += ["", f"Adjustment ledger ({total} entries, newest {len(entries)} shown)"]
    lines.append("  " + ", ".join(f"{reason} {count}" for reason, count in reasons))
    lines.append(
        f"  {'#':>4} {'period':<10} {'tenant':<11} {'meter':<18} {'amount':>18} cur "
        f"{'type':<11} {'approval':<8} {'reason':<18} hash"
    )
    for (
        entry_id,
        period,
        tenant,
        meter,
        amount,
        currency,
        kind,
        approval,
        reason,
        digest,
    ) in reversed(entries):
        lines.append(
            f"  {entry_id:>4} {period!s:<10} {tenant:<11} {meter:<18} {_money(amount):>18} "
            f"{currency or '':<3} {kind:<11} {approval:<8} {reason:<18} {digest}"
        )
    return lines


def builds_summary(
    con: duckdb.DuckDBPyConnection, notes: Mapping[int, str] | None = None
) -> list[str]:
    """Lines naming the as_of of every build that rebuilt the variance (ops.fct_build_log), oldest
    first, and whether it could close and book; the figures below are the last one's. `notes`
    (build position, 0 = oldest -> text) adds a line under a build (the demo names the build
    that read its amended rate card)."""
    rows: list = []
    # the first that exists: ops.build_log in a warehouse not rebuilt since the rename of
    # issue 20, ops.ledger_heads in one built before the build log
    for log in ("fct_build_log", "build_log", None):
        with contextlib.suppress(duckdb.CatalogException):
            rows = con.execute(
                f"select as_of, may_close, command from ops.{log} order by recorded_at, as_of"
                if log
                else "select as_of, true, 'build' from ops.ledger_heads order by recorded_at"
            ).fetchall()
            break
    lines = ["Builds (as_of of each build; the figures below are at the last one's)"]
    notes = notes or {}
    for position, (as_of, may_close, command) in enumerate(rows):
        lines.append(
            f"  as_of {as_of:%Y-%m-%d %H:%M:%S} UTC  dbt {command}"
            + ("" if may_close else " (closed and booked nothing: replay or partial)")
        )
        if position in notes:
            lines.append(f"    {notes[position]}")
    return lines if rows else [*lines, "  none recorded"]


def print_summary(
    database: Path | None = None,
    *,
    read_only: bool = True,
    build_notes: Mapping[int, str] | None = None,
) -> int:
    """Print the summary of the warehouse at `database` (default: the project's warehouse);
    `build_notes` as for `builds_summary`."""
    path = database or warehouse_path()
    try:
        con = warehouse.open_built(path, command="`trueup summary`", read_only=read_only)
    except (warehouse.WarehouseBusyError, warehouse.WarehouseNotBuiltError) as problem:
        print(problem, file=sys.stderr)
        return 2
    try:
        sections = [
            builds_summary(con, build_notes),
            usage_summary(con),
            charges_summary(con),
            variance_summary(con),
            close_summary(con),
        ]
        print("\n\n".join("\n".join(section) for section in sections))
    finally:
        con.close()
    return 0


DESCRIPTION = """Print what the warehouse holds, read from the marts (read-only, no dbt). It
names the as_of of every build that rebuilt the variance (ops.fct_build_log, replays included): the
figures are those of the last one. Then: accepted usage, duplicates, late and clock-skew-corrected
events, quarantine by reason, top tenants; expected charges per period and currency; true-up keys
by status for the closed and the open periods; closed periods, post-close deltas, and the
adjustment ledger by reason with its newest entries."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `trueup summary`."""
    parser.description = DESCRIPTION
    parser.add_argument("--database", type=Path, default=None, help="DuckDB file to read")


def run(args: argparse.Namespace) -> int:
    """Entry point of `trueup summary`."""
    return print_summary(args.database)
