"""Deterministic sample data (SPEC sections 1.1 and 1.2) and its independent ground truth.

The stages run one way, one module each:

    config -> plan -> events -> landing -> usage_truth -> billing_plan
           -> billing_other_lines -> billing -> billing_truth -> write / billing_write
           -> ownership (install); `pipeline` runs them in that order

(`STAGES` lists them; tests/python/test_sample_stages.py holds every module to it).

`usage_rules` holds the logical record types and the SPEC's per-record rules both the
generator and the truth use; `billing_records` and `billing_seeds` the billing vocabulary and
seeds. Pricing comes from `trueup_tools.pricing`, the independent reference that never imports
from this package. Only `random.Random(seed)` (usage) and `random.Random(seed + 1)` (billing)
drive the choices: the same config gives byte-identical files.
"""

from __future__ import annotations

from trueup_tools.sample.config import GeneratorConfig, validate_config
from trueup_tools.sample.ownership import (
    GENERATED_FOLDERS,
    OWNERSHIP_FILE,
    GeneratorRefused,
    write_owned_files,
)
from trueup_tools.sample.pipeline import build_records, generate

STAGES: tuple[str, ...] = (
    "config",
    "usage_rules",
    "plan",
    "text",
    "events",
    "landing",
    "usage_truth",
    "billing_records",
    "billing_seeds",
    "billing_plan",
    "billing_other_lines",
    "billing",
    "billing_truth",
    "write",
    "billing_write",
    "ownership",
    "pipeline",
)
"""The package's modules in stage order: a module imports only from modules before it."""

__all__ = [
    "GENERATED_FOLDERS",
    "OWNERSHIP_FILE",
    "STAGES",
    "GeneratorConfig",
    "GeneratorRefused",
    "build_records",
    "generate",
    "validate_config",
    "write_owned_files",
]
