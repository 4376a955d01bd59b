"""`trueup build` and `trueup demo`: dbt builds on DuckDB driven from Python."""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import io
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from trueup_tools import PROJECT_DIR, generate, pricing, quality, query, summary
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


SEED_PATH_ENV = "TRUEUP_SEED_PATH"
"""The seed folder (dbt_project.yml's seed-paths): the seed CSVs and their property YAML."""

PROJECT_SEEDS = PROJECT_DIR / "seeds"


def seed_folder() -> Path:
    """The folder dbt reads the seeds from: env TRUEUP_SEED_PATH, else `seeds`, relative to the
    project directory (as dbt resolves seed-paths)."""
    return PROJECT_DIR / (os.environ.get(SEED_PATH_ENV) or "seeds")


def seed_folder_problem() -> str | None:
    """Why the seed folder cannot be built from (None: it can). TRUEUP_SEED_PATH must be a
    relative path to a folder inside the project directory: dbt writes the compiled tests of
    the seeds' property YAML under target/ by their path, so an absolute path (or one leading
    out of the project) puts them outside target/ (into the seed folder itself: "Not a
    directory"). The folder must exist and hold every file of the project's `seeds/` (the
    CSVs and their property YAML, which carries the column types and tests): otherwise dbt
    stops at parse time with "depends on a node named 'meters' which was not found", or loads
    the rates as DOUBLE."""
    value = os.environ.get(SEED_PATH_ENV)
    if not value:
        return None
    shown = f"{SEED_PATH_ENV}={value!r}"
    how = (
        "; it must hold the seed CSVs and the seeds' property YAML: copy the project's seeds/ "
        "folder whole and replace the CSVs. Nothing was built."
    )
    if Path(value).is_absolute() or ".." in Path(value).parts:
        return (
            f"{shown} must be a relative path to a folder inside the project directory "
            f"{PROJECT_DIR} (dbt writes the compiled seed tests under target/ by that path; "
            "an absolute path puts them into the seed folder). Nothing was built."
        )
    folder = seed_folder()
    if not folder.is_dir():
        return f"the seed folder {shown} ({folder}) does not exist or is not a folder{how}"
    required = sorted(p.name for p in PROJECT_SEEDS.iterdir() if p.suffix in {".csv", ".yml"})
    missing = [name for name in required if not (folder / name).is_file()]
    if missing:
        return f"the seed folder {shown} ({folder}) lacks {', '.join(missing)}{how}"
    return None


def build(args: argparse.Namespace) -> bool:
    """Run `dbt build` with the options given; report failures on stderr. The dbt unit tests
    run only with `unit_tests` set (`trueup build --unit-tests`); the data tests always run.
    A successful full build (no `select`) also caches the compiled finance queries for
    `trueup query` when the project changed since they were cached (see query.py). A seed
    folder (TRUEUP_SEED_PATH) that is missing or lacks a seed stops it before dbt runs."""
    problem = seed_folder_problem()
    if problem is not None:
        print(f"trueup build: {problem}", file=sys.stderr)
        return False
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
period closes in its own build and what lands later is booked after close -- then amend one
rate of the rate card in force in the closed periods (a copy of the project's seeds under
<out>/reference, see the summary's Builds section) and build once more at the last as_of with
TRUEUP_SEED_PATH pointing there, so the ledger books `contract_change` for the closed keys that
use it (only with --out inside the project directory, as by default: dbt reads seeds only from
there); then print the summary, generate the dbt docs and run the quality check (`trueup
check`) at the last build's as_of. The wall clock is never used as as_of: the demo tells the
same story whenever it runs. It stops (exit 2, nothing built) when the wall clock is earlier
than the sample's ingestion times (a record cannot be received after its file is loaded)."""


def add_demo_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `trueup demo`: the sample data's options (those of `trueup generate`, same
    defaults)."""
    parser.description = DEMO_DESCRIPTION
    generate.add_arguments(parser)


@dataclass(frozen=True)
class DemoBuild:
    """One build of the demo's schedule: its as_of (naive UTC), why it is there, and the period
    (month start) it closes, if any."""

    as_of: dt.datetime
    reason: str
    closes: dt.date | None = None

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
            schedule.append(DemoBuild(watermark, f"close watermark of {period:%Y-%m}", period))
        period = _month_after(period)
    return schedule or [DemoBuild(complete, "the data set's as_of (no period closes)")]


REFERENCE_FOLDER = "reference"
"""Under the demo's --out: its copy of the project's seeds with one rate amended."""

RATE_INCREASE = Decimal("1.1")
"""The demo's amendment: the chosen unit price x 1.1 (10 % more)."""


@dataclass(frozen=True)
class RateAmendment:
    """One rate of contract_rates.csv changed after close: which row, old and new price."""

    contract_id: str
    contract_version: int
    meter: str
    line_number: int  # of contract_rates.csv, 1 = the header
    old_price: Decimal
    new_price: Decimal

    @property
    def text(self) -> str:
        return (
            f"{self.contract_id} v{self.contract_version} {self.meter} unit_price "
            f"{self.old_price} -> {self.new_price}"
        )


def demo_rate_amendment(
    schedule: list[DemoBuild], seeds_dir: Path = PROJECT_SEEDS
) -> RateAmendment | None:
    """The rate the demo amends after close, chosen deterministically: of the contract versions
    in force on every day of the closed periods and without a minimum commitment (a commitment
    true-up would move with it), the one with the largest discount (the first in
    contracts.csv on a tie); its single-tier per_unit rate of egress_gb (else of the first meter
    that has one, in contract_rates.csv order), times RATE_INCREASE. None: no such rate."""
    closed = [b.closes for b in schedule if b.closes is not None]
    if not closed:
        return None
    first, last = min(closed), _month_after(max(closed))
    versions = [
        v
        for v in pricing.load_versions(seeds_dir)
        if v.commitment is None and v.start <= first and (v.end is None or v.end >= last)
    ]
    versions.sort(key=lambda v: -v.discount)  # stable: file order on a tie
    with (seeds_dir / "contract_rates.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(enumerate(csv.DictReader(handle), start=2))
    for version in versions:
        card = [
            (number, row)
            for number, row in rows
            if row["contract_id"] == version.contract_id
            and int(row["contract_version"]) == version.version
        ]
        tiers: dict[str, int] = {}
        for _, row in card:
            tiers[row["meter"]] = tiers.get(row["meter"], 0) + 1
        single = [
            (number, row)
            for number, row in card
            if row["pricing_model"] == "per_unit" and tiers[row["meter"]] == 1
        ]
        single.sort(key=lambda item: item[1]["meter"] != "egress_gb")  # stable
        if single:
            number, row = single[0]
            old = Decimal(row["unit_price"])
            return RateAmendment(
                version.contract_id,
                version.version,
                row["meter"],
                number,
                old,
                (old * RATE_INCREASE).normalize(),
            )
    return None


def write_reference(out_dir: Path, amendment: RateAmendment) -> Path:
    """Write <out>/reference: the project's seeds (CSVs and property YAML) with the amended
    rate, recorded in the generator's register (so a later `generate` deletes them and a file
    of someone else's there is never overwritten). Returns the folder."""
    files: dict[str, bytes] = {}
    for path in sorted(PROJECT_SEEDS.iterdir()):
        if path.is_file() and path.suffix in {".csv", ".yml"}:
            files[f"{REFERENCE_FOLDER}/{path.name}"] = path.read_bytes()
    name = f"{REFERENCE_FOLDER}/contract_rates.csv"
    lines = files[name].decode("utf-8").splitlines(keepends=True)
    fields = next(csv.reader([lines[amendment.line_number - 1]]))
    header = next(csv.reader([lines[0]]))
    fields[header.index("unit_price")] = str(amendment.new_price)
    row = io.StringIO()
    csv.writer(row, lineterminator="").writerow(fields)
    ending = lines[amendment.line_number - 1][
        len(lines[amendment.line_number - 1].rstrip("\r\n")) :
    ]
    lines[amendment.line_number - 1] = row.getvalue() + ending
    files[name] = "".join(lines).encode("utf-8")
    generate.write_owned_files(out_dir, files)
    return out_dir / REFERENCE_FOLDER


def _project_relative(folder: Path) -> str:
    """A folder inside the project as TRUEUP_SEED_PATH takes it (relative to the project)."""
    return folder.resolve().relative_to(PROJECT_DIR.resolve()).as_posix()


@contextlib.contextmanager
def _seed_path(folder: Path) -> Iterator[None]:
    """TRUEUP_SEED_PATH set to `folder` for the dbt invocations inside the block."""
    before = os.environ.get(SEED_PATH_ENV)
    os.environ[SEED_PATH_ENV] = _project_relative(folder)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(SEED_PATH_ENV, None)
        else:
            os.environ[SEED_PATH_ENV] = before


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
    amendment = demo_rate_amendment(schedule)
    inside = args.out.resolve().is_relative_to(PROJECT_DIR.resolve())
    if amendment is not None and not inside:
        print(
            f"The amended-rate build is left out: --out {args.out} is outside the project "
            f"directory {PROJECT_DIR}, and dbt reads seeds only from inside it "
            f"({SEED_PATH_ENV} is relative to the project), so no contract_change is booked."
        )
        amendment = None
    total = len(schedule) + (amendment is not None)
    print(f"Building at the sample's own dates ({total} builds; the wall clock is not used):")
    for number, step in enumerate(schedule, start=1):
        print(f"\n== build {number}/{total}: as_of {step.text} UTC ({step.reason})")
        step_args = argparse.Namespace(as_of=step.text, landing_path=landing)
        if not build(step_args):
            return 1
    final = argparse.Namespace(as_of=schedule[-1].text, landing_path=landing)
    notes: dict[int, str] = {}
    with contextlib.ExitStack() as stack:
        if amendment is not None:
            try:
                reference = write_reference(args.out, amendment)
            except ValueError as error:  # a file of someone else's in <out>/reference
                print(f"trueup demo: {error}", file=sys.stderr)
                return 2
            print(
                f"\n== build {total}/{total}: as_of {final.as_of} UTC (the rate card amended "
                f"after close: {amendment.text}; {SEED_PATH_ENV}={_project_relative(reference)})"
            )
            stack.enter_context(_seed_path(reference))
            if not build(final):
                return 1
            notes[total - 1] = (
                f"read the amended rate card {SEED_PATH_ENV}={_project_relative(reference)}: "
                f"{amendment.text} "
                "(booked as contract_change)"
            )
        # the docs describe the seeds the warehouse was last built from
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
    status = summary.print_summary(read_only=False, build_notes=notes)
    if status != 0:
        return status
    print()
    return quality.check(warehouse_path(), docs_dir=target / "gx_docs", read_only=False)
