"""`trueup build` and `trueup demo`: dbt builds on DuckDB driven from Python."""

from __future__ import annotations

import argparse
import sys

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


def add_demo_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `trueup demo` (the sample data's options, plus the build's as_of). The
    demo's data leaves out the 18-digit quantities that test numeric precision: they would
    put its amounts into the hundreds of millions (`--wide-quantity-rate` brings them back)."""
    generate.add_arguments(parser, wide_quantity_rate=0.0)
    parser.add_argument("--as-of", help="logical now of the build; default: now")


def run_demo(args: argparse.Namespace) -> int:
    """Generate sample data, build everything on DuckDB from scratch, print a summary, run
    the quality checkpoint (`trueup check`)."""
    try:
        manifest = generate.generate(generate.config_from_args(args), args.out, force=args.force)
    except ValueError as error:  # a refused output folder or an invalid option
        print(f"trueup demo: {error}", file=sys.stderr)
        return 2
    warehouse = warehouse_path()
    for stale in (warehouse, warehouse.with_name(warehouse.name + ".wal")):
        stale.unlink(missing_ok=True)
    print(f"Sample data written under {args.out} (seed {manifest['seed']}).")
    args.landing_path = args.out / "landing"
    if not build(args):
        return 1
    docs = run_dbt("docs generate", dbt_vars=_vars(args))
    if not docs.success:
        print(f"dbt docs generate failed: {docs.exception}", file=sys.stderr)
        return 1
    print(f"\nWarehouse: {warehouse_path()}")
    print(f"Documentation: {PROJECT_DIR / 'target' / 'index.html'} (dbt docs serve to browse)\n")
    status = summary.print_summary(read_only=False)
    if status != 0:
        return status
    # The sample data covers a fixed window of days, so its usage is as old as the calendar
    # makes it: the usage-age check would only measure that. Everything else is checked.
    print()
    return quality.check(warehouse_path(), max_usage_age_days=None, read_only=False)
