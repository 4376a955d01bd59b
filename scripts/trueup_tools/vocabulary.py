"""The project's written-once vocabularies, read from the seeds that define them.

The flat usage record's field names (`FLAT_USAGE_FIELDS`, the SPEC's input format) are read by
the JSONL reader, the sample generator and the tests.

The variance statuses (seed ``variance_statuses``: status, precedence, is_exception,
is_bookable, description) are what fct_trueup_variance assigns, the ledger books and the SLIs
count; Python that needs them (the billing truth, tests) reads them here instead of repeating
the list.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from trueup_tools import PROJECT_DIR

STATUS_SEED = PROJECT_DIR / "seeds" / "variance_statuses.csv"

FLAT_USAGE_FIELDS: tuple[str, ...] = (
    "event_id",
    "producer",
    "tenant_id",
    "meter",
    "quantity",
    "event_ts",
    "ingested_at",
    "sample_rate",
)
"""The top-level fields of a flat (schema v1) usage record, in the SPEC's order (the order the
sample generator writes them). A record with any of them is flat."""
_BOOLEANS = {"true": True, "false": False}


@dataclass(frozen=True)
class VarianceStatus:
    """One row of the variance_statuses seed."""

    status: str
    precedence: int
    is_exception: bool
    is_bookable: bool
    description: str


def _boolean(path: Path, line: int, column: str, text: str) -> bool:
    try:
        return _BOOLEANS[text.strip().lower()]
    except KeyError:
        raise ValueError(f"{path}:{line}: {column} {text!r} is neither true nor false") from None


def _precedence(path: Path, line: int, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{path}:{line}: precedence {text!r} is not an integer") from None


@cache
def variance_statuses(path: Path = STATUS_SEED) -> tuple[VarianceStatus, ...]:
    """The variance statuses in precedence order (the first whose rule applies wins)."""
    rows = []
    with path.open(newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            rows.append(
                VarianceStatus(
                    status=row["status"].strip(),
                    precedence=_precedence(path, line, row["precedence"]),
                    is_exception=_boolean(path, line, "is_exception", row["is_exception"]),
                    is_bookable=_boolean(path, line, "is_bookable", row["is_bookable"]),
                    description=row["description"].strip(),
                )
            )
    return tuple(sorted(rows, key=lambda status: status.precedence))


def status_names(path: Path = STATUS_SEED) -> tuple[str, ...]:
    """The variance status names in precedence order."""
    return tuple(status.status for status in variance_statuses(path))


REASON_SEED = PROJECT_DIR / "seeds" / "quarantine_reasons.csv"
REASON_STAGES = ("usage", "billing")


@dataclass(frozen=True)
class QuarantineReason:
    """One row of the quarantine_reasons seed."""

    reason: str
    stage: str
    precedence: int
    description: str


@cache
def quarantine_reasons(stage: str, path: Path = REASON_SEED) -> tuple[QuarantineReason, ...]:
    """The reasons of one stage (`usage`: fct_usage_quarantine.reason, `billing`:
    fct_billing_unmapped_lines.unmapped_reason) in precedence order (the first that applies
    wins)."""
    if stage not in REASON_STAGES:
        raise ValueError(f"stage {stage!r} is not one of {', '.join(REASON_STAGES)}")
    rows = []
    with path.open(newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            if row["stage"].strip() not in REASON_STAGES:
                raise ValueError(f"{path}:{line}: stage {row['stage']!r} is not usage or billing")
            if row["stage"].strip() != stage:
                continue
            rows.append(
                QuarantineReason(
                    reason=row["reason"].strip(),
                    stage=stage,
                    precedence=_precedence(path, line, row["precedence"]),
                    description=row["description"].strip(),
                )
            )
    return tuple(sorted(rows, key=lambda reason: reason.precedence))


def reason_names(stage: str, path: Path = REASON_SEED) -> tuple[str, ...]:
    """The names of `stage`'s quarantine reasons, in precedence order."""
    return tuple(reason.reason for reason in quarantine_reasons(stage, path))
