"""`trueup generate`: its options and command. The generator itself is `trueup_tools.sample`
(stages plan -> events -> usage truth -> billing -> billing truth -> write); this module
re-exports its entry points (`generate`, `build_records`, `write_owned_files`,
`OWNERSHIP_FILE`, `GeneratorConfig`, `GeneratorRefused`) for the commands that wrap it
(`trueup demo`).

`trueup generate` writes landing files under `<out>/landing/usage/ingest_date=YYYY-MM-DD/`
(JSONL, gzipped JSONL and Parquet; flat and CloudEvents records) with every fault the spec
names injected at configurable rates, the billing exports under `<out>/landing/billing/`
(unless `--no-billing`), and the expected figures under `<out>/truth/`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from trueup_tools.sample import (
    OWNERSHIP_FILE,
    GeneratorConfig,
    GeneratorRefused,
    build_records,
    generate,
    write_owned_files,
)
from trueup_tools.sample.config import DEFAULT_OUT

__all__ = [
    "OWNERSHIP_FILE",
    "GeneratorConfig",
    "GeneratorRefused",
    "add_arguments",
    "build_records",
    "config_from_args",
    "generate",
    "run",
    "write_owned_files",
]


def _csv_list(text: str) -> tuple[str, ...]:
    """A comma-separated option as a tuple of trimmed, non-empty items."""
    return tuple(item.strip() for item in text.split(",") if item.strip())


RATE_HELP: dict[str, str] = {
    "cloudevents_rate": "share of records written as CloudEvents (schema v2)",
    "duplicate_rate": "exact duplicates (share of --events)",
    "conflicting_duplicate_rate": "duplicates whose payload differs",
    "cross_producer_rate": "other producers re-using an event_id (distinct events)",
    "late_rate": "events ingested after their period's watermark",
    "clock_skew_rate": "events whose producer clock runs ahead of ingested_at",
    "sampled_rate": "events with a sample_rate below 1",
    "quarantine_rate": "records that must be quarantined (every reason)",
    "beyond_horizon_rate": "copies arriving after the dedupe horizon (new originals)",
    "blank_line_rate": "blank lines in JSONL files",
    "wide_quantity_rate": "STRESS OPTION: sum-meter quantities of 18 significant digits (9 before "
    "the point, more than a DOUBLE keeps) that test numeric precision; they put the amounts "
    "into the hundreds of millions, so they are off by default (the tests use 0.004)",
}
"""Help of the share-valued options (`--<name>-rate R`)."""


DESCRIPTION = """Write deterministic sample data: usage landing files (JSONL, gzipped JSONL,
Parquet; flat and CloudEvents records) and billing exports (FOCUS and invoice lines) with every
fault the specification names injected, plus their ground truth computed without SQL
(<out>/truth/). By default usage covers 2026-08-01 .. 2026-09-30 (--start-date, --days),
billing exports land on the 3rd of the next month and corrections two months later, so the data
set is complete at its manifest's as_of (<out>/truth/manifest.json; early November 2026 for the
defaults). `trueup demo` writes the same data with the same options. Numeric stress cases
(--wide-quantity-rate) are off by default."""


def add_arguments(parser: argparse.ArgumentParser, **defaults: Any) -> None:
    """Options of `trueup generate` (`defaults` overrides GeneratorConfig's, e.g. the demo's)."""
    d = dataclasses.replace(GeneratorConfig(), **defaults)
    if parser.description is None:
        parser.description = DESCRIPTION
    parser.add_argument("--seed", type=int, default=d.seed, help="random seed (default 42)")
    parser.add_argument("--tenants", type=int, default=d.tenants, help="number of tenants")
    parser.add_argument(
        "--meters",
        type=_csv_list,
        default=None,
        help="comma list of meters (default: all from the meters seed)",
    )
    parser.add_argument(
        "--meters-csv",
        type=Path,
        default=None,
        help="meters seed to read (default seeds/meters.csv)",
    )
    parser.add_argument(
        "--start-date",
        type=date.fromisoformat,
        default=d.start_date,
        help=f"first usage day (default {d.start_date})",
    )
    parser.add_argument(
        "--days", type=int, default=d.days, help=f"usage days from --start-date (default {d.days})"
    )
    parser.add_argument("--events", type=int, default=d.events, help="base events (default 5000)")
    parser.add_argument(
        "--formats",
        type=_csv_list,
        default=d.formats,
        help="comma list from jsonl,jsonl.gz,parquet (default: all)",
    )
    for item in dataclasses.fields(GeneratorConfig):
        if item.name.endswith("_rate"):
            parser.add_argument(
                "--" + item.name.replace("_", "-"),
                type=float,
                default=getattr(d, item.name),
                metavar="R",
                help=RATE_HELP.get(item.name, "share of --events")
                + f" (default {getattr(d, item.name)})",
            )
    for name in ("grace_period_hours", "max_clock_skew_minutes", "dedupe_horizon_days"):
        parser.add_argument(
            "--" + name.replace("_", "-"),
            type=int,
            default=getattr(d, name),
            help=f"dbt var value the data and truth assume ({getattr(d, name)})",
        )
    parser.add_argument(
        "--billing",
        action=argparse.BooleanOptionalAction,
        default=d.billing,
        help="also write billing exports and their truth (default: on)",
    )
    parser.add_argument(
        "--billing-export-day",
        type=int,
        default=d.billing_export_day,
        help="day of the month after a period its exports are issued (default 3)",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="output directory (default: <project>/data)"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="write even when the output folders hold files the generator did not write: they "
        "are kept (never deleted or overwritten) and a build reads them too",
    )


def config_from_args(args: argparse.Namespace) -> GeneratorConfig:
    """A GeneratorConfig from parsed options."""
    names = {f.name for f in dataclasses.fields(GeneratorConfig)}
    values = {k: v for k, v in vars(args).items() if k in names}
    return GeneratorConfig(**values)


def run(args: argparse.Namespace) -> int:
    """`trueup generate`: write the data set and print a one-line summary."""
    try:
        config = config_from_args(args)
        manifest = generate(config, args.out, force=args.force)
    except ValueError as error:
        print(f"trueup generate: {error}", file=sys.stderr)
        return 2
    faults = json.loads((Path(args.out) / "truth" / "usage_faults.json").read_text("utf-8"))
    billing = ""
    if manifest["billing_files"]:
        lines = sum(f["lines"] for f in manifest["billing_files"])
        billing = f", {len(manifest['billing_files'])} billing exports ({lines} lines)"
    print(
        f"wrote {len(manifest['files'])} files ({faults['raw_records']} records, "
        f"{faults['accepted_events']} accepted, {faults['removed_duplicates']} duplicates, "
        f"{faults['quarantined']} quarantined){billing} to {args.out}; as_of {manifest['as_of']}"
    )
    return 0
