"""The stages in order: plan -> events -> usage truth -> billing -> billing truth -> write.
`generate(config, out_dir)` runs them all and installs the files; `build_records(config)`
runs the usage stages in memory only.
"""

from __future__ import annotations

import json
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from trueup_tools.sample.billing import build_billing
from trueup_tools.sample.billing_records import BillingData
from trueup_tools.sample.billing_truth import BillingTruth, check_billing, compute_billing_truth
from trueup_tools.sample.billing_write import write_billing, write_billing_truth
from trueup_tools.sample.config import GeneratorConfig
from trueup_tools.sample.events import (
    _inject_cross_producer,
    _inject_duplicates,
    _inject_quarantine,
    _new_draft,
)
from trueup_tools.sample.landing import _Output, _place, _render
from trueup_tools.sample.ownership import _check_out_dir, _install
from trueup_tools.sample.plan import _base_events, _Context, _context, _File
from trueup_tools.sample.usage_rules import UsageTruth
from trueup_tools.sample.usage_truth import compute_usage_truth
from trueup_tools.sample.write import _iso, _manifest, _write_jsonl, _write_parquet, _write_truth


def _check(truth: UsageTruth, out: _Output) -> None:
    """Self-check: every injected invalid record is quarantined for the intended reason
    (and nothing else is), and conservation holds per file."""
    got = {(q.source_file, q.line_number): q.reason for q in truth.quarantine}
    if got != out.intended:
        diff = sorted(set(got.items()) ^ set(out.intended.items()))[:5]
        raise RuntimeError(f"generator and truth disagree on quarantine: {diff}")
    for path, counts in truth.faults["per_file"].items():
        if (
            counts["raw_records"]
            != counts["accepted"] + counts["duplicates"] + counts["quarantined"]
        ):
            raise RuntimeError(f"conservation fails for {path}: {counts}")


def build_records(config: GeneratorConfig) -> tuple[list[_File], _Output, _Context]:
    """Generate and render everything in memory (nothing written)."""
    ctx = _context(config)
    events = _base_events(ctx)
    base = [(event, _new_draft(event, ctx)) for event in events]
    _inject_duplicates(ctx, base)
    _inject_cross_producer(ctx, base)
    _inject_quarantine(ctx, base)
    files = _place(ctx)
    return files, _render(files, ctx), ctx


def _usage_truth(
    config: GeneratorConfig, out: _Output, ctx: _Context, as_of: datetime
) -> UsageTruth:
    """The usage truth at as_of."""
    return compute_usage_truth(
        out.records,
        as_of,
        config.grace_period_hours,
        config.max_clock_skew_minutes,
        config.dedupe_horizon_days,
        meters=ctx.meters,
    )


def _billing(
    config: GeneratorConfig, out: _Output, ctx: _Context, truth: UsageTruth
) -> tuple[UsageTruth, BillingData | None, BillingTruth | None]:
    """Billing exports for the usage truth and their truth; the usage truth again at a later
    as_of when an export would not be visible at the usage as_of (everything is visible at
    both, so the usage figures do not change)."""
    if not config.billing:
        return truth, None, None
    billing = build_billing(
        truth.daily,
        truth.as_of,
        config.seed,
        export_day=config.billing_export_day,
        aggregations=ctx.meters,
    )
    if billing.min_as_of is not None and billing.min_as_of > truth.as_of:
        later = _usage_truth(config, out, ctx, billing.min_as_of)
        if later.daily != truth.daily or later.faults != truth.faults:
            raise RuntimeError("usage truth changed when as_of moved to the last export date")
        truth = later
    billing_truth = compute_billing_truth(
        billing.files, truth.daily, truth.as_of, aggregations=ctx.meters
    )
    check_billing(billing, billing_truth)
    return truth, billing, billing_truth


def generate(config: GeneratorConfig, out_dir: Path, force: bool = False) -> dict[str, Any]:
    """Write landing files and truth under out_dir; return the manifest.

    The generator writes only into landing/usage, landing/billing/{focus,invoice_lines}, truth
    and reference (the demo's amended seeds, see `write_owned_files`) under out_dir, and
    deletes only files it wrote there itself (recorded with their SHA-256 in
    out_dir/generated_files.json and unchanged since). Anything else in those
    folders makes it refuse (GeneratorRefused) before anything is written or deleted; with
    `force` it writes beside such files and keeps them, and it never overwrites one."""
    out_dir = Path(out_dir)
    _check_out_dir(out_dir, force)
    files, out, ctx = build_records(config)
    readable = [r.ingested_at for r in out.records if isinstance(r.ingested_at, datetime)]
    usage_as_of = max(readable)
    truth = _usage_truth(config, out, ctx, usage_as_of)
    _check(truth, out)
    truth, billing, billing_truth = _billing(config, out, ctx, truth)
    as_of = truth.as_of
    manifest = _manifest(config, as_of, usage_as_of, files, billing)
    out_dir.mkdir(parents=True, exist_ok=True)
    # everything is written to a staging folder beside the output first; only then are the
    # generator's earlier files replaced (nothing is deleted when something is in the way)
    with tempfile.TemporaryDirectory(prefix=".trueup-generate-", dir=out_dir) as tmp:
        stage = Path(tmp)
        landing = stage / "landing"
        _write_jsonl(out, landing)
        _write_parquet(out, landing)
        _write_truth(truth, stage / "truth")
        if billing is not None and billing_truth is not None:
            write_billing(billing, landing, config.seed)
            write_billing_truth(
                billing,
                billing_truth,
                stage / "truth",
                {"as_of": _iso(as_of), "usage_as_of": _iso(usage_as_of)},
            )
        (stage / "truth" / "manifest.json").write_text(
            json.dumps(manifest, indent=2) + "\n", encoding="utf-8"
        )
        _install(stage, out_dir, force)
    return manifest
