"""`trueup build` and `trueup demo`: dbt builds on DuckDB driven from Python."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from trueup_tools import PROJECT_DIR, generate, quality, query, summary
from trueup_tools.runner import run_dbt, warehouse_path


def _vars(args: argparse.Namespace) -> dict:
    dbt_vars = {}
    if getattr(args, "as_of", None):
        dbt_vars["as_of"] = args.as_of
    if getattr(args, "landing_path", None):
        dbt_vars["landing_path"] = str(args.landing_path)
    return dbt_vars


EXCLUDE_UNIT_TESTS = ("--exclude-resource-type", "unit_test")
"""A production build leaves the dbt unit tests out (dbt's advice: run them in CI and dev)."""


def build(args: argparse.Namespace) -> bool:
    """Run `dbt build` with the options given; report failures on stderr. The dbt unit tests
    run only with `unit_tests` set (`trueup build --unit-tests`); the data tests always run.
    A successful full build (no `select`) also caches the compiled finance queries for
    `trueup query` when the project changed since they were cached (see query.py)."""
    extra = ["--full-refresh"] if getattr(args, "full_refresh", False) else []
    if getattr(args, "select", None):
        extra += ["--select", *args.select]
    if not getattr(args, "unit_tests", False):
        extra += EXCLUDE_UNIT_TESTS
    result = run_dbt("build", dbt_vars=_vars(args), extra=extra)
    if not result.success:
        print("dbt build failed:", file=sys.stderr)
        for failure in result.failures():
            print(f"  {failure}", file=sys.stderr)
        if result.exception is not None:
            print(f"  {result.exception}", file=sys.stderr)
        return False
    if not getattr(args, "select", None):  # a partial build is a development step: no compile
        query.warm_cache()
    return True


def add_build_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `trueup build`."""
    parser.add_argument("--as-of", help="logical now (date or UTC timestamp); default: now")
    parser.add_argument("--landing-path", help="landing root; default: data/landing")
    parser.add_argument("--full-refresh", action="store_true", help="rebuild incremental models")
    parser.add_argument("--select", nargs="+", help="dbt node selection")
    parser.add_argument(
        "--unit-tests",
        action="store_true",
        help="also run the dbt unit tests (left out by default, as in any production build; "
        "CI and development run them)",
    )


def run_build(args: argparse.Namespace) -> int:
    """Entry point of `trueup build`."""
    return 0 if build(args) else 1


DEMO_DESCRIPTION = """The main job (./run.sh): write the sample data (the same data as `trueup
generate` with the same options: usage 2026-08-01 .. 2026-09-30 by default, billing exports on the
3rd of the next month, corrections two months later; --wide-quantity-rate, the numeric stress case,
off), rebuild the warehouse from scratch at the sample's own dates -- one dbt build at each
period's close watermark (period end + grace_period_hours) that the sample reaches, so every
period closes in its own build and what lands later is booked after close -- then print the
summary, generate the dbt docs and run the quality check (`trueup check`) at the last build's
as_of. The wall clock is never used as as_of: the demo tells the same story whenever it runs. It
stops (exit 2, nothing built) when the wall clock is earlier than the sample's ingestion times (a
record cannot be received after its file is loaded)."""


def add_demo_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `trueup demo`: the sample data's options (those of `trueup generate`, same
    defaults)."""
    parser.description = DEMO_DESCRIPTION
    generate.add_arguments(parser)


@dataclass(frozen=True)
class DemoBuild:
    """One build of the demo's schedule: its as_of (naive UTC) and why it is there."""

    as_of: dt.datetime
    reason: str

    @property
    def text(self) -> str:
        return self.as_of.strftime("%Y-%m-%d %H:%M:%S")


def _month_after(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def demo_schedule(manifest: dict) -> list[DemoBuild]:
    """The as_of of each demo build, from the generated manifest: the close watermark (period
    end + grace_period_hours) of every period with usage that the data set reaches (its as_of,
    when everything generated is visible), in order. A sample too short to reach any watermark
    is built once, at its as_of."""
    config = manifest["config"]
    first = dt.date.fromisoformat(config["start_date"])
    last = first + dt.timedelta(days=int(config["days"]) - 1)
    grace = dt.timedelta(hours=int(manifest["vars"]["grace_period_hours"]))
    complete = dt.datetime.fromisoformat(manifest["as_of_utc"])
    schedule = []
    period = first.replace(day=1)
    while period <= last:
        watermark = dt.datetime.combine(_month_after(period), dt.time()) + grace
        if watermark <= complete:
            schedule.append(DemoBuild(watermark, f"close watermark of {period:%Y-%m}"))
        period = _month_after(period)
    return schedule or [DemoBuild(complete, "the data set's as_of (no period closes)")]


def _newest_ingestion(manifest: dict) -> dt.datetime:
    """The latest readable ingested_at of the generated usage (naive UTC)."""
    moment = dt.datetime.fromisoformat(manifest["usage_as_of"].replace("Z", "+00:00"))
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def run_demo(args: argparse.Namespace) -> int:
    """Generate sample data, build everything on DuckDB from scratch at the sample's own dates,
    print a summary, run the quality checkpoint (`trueup check`) at the last build's as_of."""
    try:
        manifest = generate.generate(generate.config_from_args(args), args.out, force=args.force)
    except ValueError as error:  # a refused output folder or an invalid option
        print(f"trueup demo: {error}", file=sys.stderr)
        return 2
    print(f"Sample data written under {args.out} (seed {manifest['seed']}).")
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    newest = _newest_ingestion(manifest)
    if now < newest:
        print(
            f"trueup demo: the wall clock ({now:%Y-%m-%d %H:%M:%S} UTC) is earlier than the "
            f"sample's ingestion times (up to {newest:%Y-%m-%d %H:%M:%S} UTC). A record cannot "
            "be received after its file is loaded, so the build would quarantine them "
            "(invalid_timestamp). Set the clock right, or generate data that ends before now "
            "(--start-date, --days). Nothing was built.",
            file=sys.stderr,
        )
        return 2
    warehouse = warehouse_path()
    for stale in (warehouse, warehouse.with_name(warehouse.name + ".wal")):
        stale.unlink(missing_ok=True)
    schedule = demo_schedule(manifest)
    landing = args.out / "landing"
    print(
        f"Building at the sample's own dates ({len(schedule)} builds; the wall clock is not used):"
    )
    for number, step in enumerate(schedule, start=1):
        print(f"\n== build {number}/{len(schedule)}: as_of {step.text} UTC ({step.reason})")
        step_args = argparse.Namespace(as_of=step.text, landing_path=landing)
        if not build(step_args):
            return 1
    final = argparse.Namespace(as_of=schedule[-1].text, landing_path=landing)
    docs = run_dbt("docs generate", dbt_vars=_vars(final))
    if not docs.success:
        print(f"dbt docs generate failed: {docs.exception}", file=sys.stderr)
        return 1
    target = Path(os.environ.get("DBT_TARGET_PATH") or PROJECT_DIR / "target")
    target = target if target.is_absolute() else PROJECT_DIR / target
    print(f"\nWarehouse: {warehouse_path()}")
    print(f"Documentation: {target / 'index.html'} (dbt docs serve to browse)")
    later = [
        f["path"]
        for f in manifest["billing_files"]
        if dt.date.fromisoformat(f["export_date"]) > schedule[-1].as_of.date()
    ]
    complete = dt.datetime.fromisoformat(manifest["as_of_utc"])
    if complete > schedule[-1].as_of:
        print(
            f"The sample is complete at {manifest['as_of_utc'][:19]} UTC (its manifest's as_of): "
            f"what lands after the last build ({len(later)} billing exports, late usage and "
            f"copies) is for `trueup build --as-of '{manifest['as_of_utc'][:19]}'`."
        )
    print()
    status = summary.print_summary(read_only=False)
    if status != 0:
        return status
    print()
    return quality.check(warehouse_path(), docs_dir=target / "gx_docs", read_only=False)
