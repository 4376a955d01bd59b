"""Stage 3, usage truth: the expected usage figures (SPEC sections 2 and 3) from the logical
records alone: visibility at as_of, quarantine, dedupe within the horizon, acceptance,
the daily rollup and the per-file fault counts. Takes `UsageRecord`s and the var values;
gives a `UsageTruth`. Independent of the SQL models, which the tests compare to it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from trueup_tools.sample.usage_rules import (
    ONE,
    REASONS,
    AcceptedEvent,
    DailyRow,
    DuplicateRow,
    QuarantineRow,
    UsageEvent,
    UsageRecord,
    UsageTruth,
    as_of_instant,
    canonical_event_at,
    event_weight,
    is_late,
    is_visible,
    load_meters,
    quarantine_reason,
    readable_instant,
    round_9,
    trimmed,
)


@dataclass(slots=True)
class _Valid(UsageEvent):
    """A visible record that passed every check, with its trimmed identifiers."""

    record: UsageRecord = field(kw_only=True)


@dataclass(slots=True)
class _Dedupe:
    """Result of dedupe: originals and removed copies (each with its winner)."""

    originals: list[tuple[_Valid, bool]] = field(default_factory=list)
    removed: list[tuple[_Valid, _Valid, bool]] = field(default_factory=list)


def _as_valid(record: UsageRecord) -> _Valid:
    """Trimmed, typed view of a record that passed every check."""
    quantity = record.quantity if isinstance(record.quantity, Decimal) else None
    sample_rate = record.sample_rate if isinstance(record.sample_rate, Decimal) else None
    event_ts = readable_instant(record.event_ts)
    ingested_at = readable_instant(record.ingested_at)
    assert event_ts is not None and ingested_at is not None
    return _Valid(
        record=record,
        producer=trimmed(record.producer) or "",
        event_id=trimmed(record.event_id) or "",
        tenant_id=trimmed(record.tenant_id) or "",
        meter=trimmed(record.meter) or "",
        quantity=quantity,
        event_ts=event_ts,
        ingested_at=ingested_at,
        sample_rate=sample_rate,
    )


def _payload(valid: _Valid) -> tuple[Any, ...]:
    """What a duplicate must repeat to be exact (sample_rate null counts as 1)."""
    rate = ONE if valid.sample_rate is None else valid.sample_rate
    return (valid.tenant_id, valid.meter, valid.quantity, valid.event_ts, rate)


def _copy_order(valid: _Valid) -> tuple[datetime, str, int]:
    """Dedupe order: ingested_at, then source file (relative path), then line."""
    return (valid.ingested_at, valid.record.source_file, valid.record.line_number)


def _dedupe(valid: Iterable[_Valid], dedupe_horizon_days: int) -> _Dedupe:
    """Walk each key's copies in order; a copy within the horizon (inclusive) of the current
    original is removed, a later one becomes the new current original."""
    horizon = timedelta(days=dedupe_horizon_days)
    by_key: dict[tuple[str, str], list[_Valid]] = defaultdict(list)
    for item in valid:
        by_key[(item.producer, item.event_id)].append(item)
    result = _Dedupe()
    for key in sorted(by_key):
        current: _Valid | None = None
        for copy in sorted(by_key[key], key=_copy_order):
            if current is not None and copy.ingested_at <= current.ingested_at + horizon:
                result.removed.append((copy, current, _payload(copy) != _payload(current)))
                continue
            result.originals.append((copy, current is not None))
            current = copy
    return result


def _accept(
    original: _Valid,
    is_new_original: bool,
    meters: Mapping[str, str],
    grace_period_hours: int,
    max_clock_skew_minutes: int,
) -> AcceptedEvent:
    """Canonical time, lateness and weight of one accepted original."""
    aggregation = meters[original.meter]
    event_at, corrected = canonical_event_at(
        original.event_ts, original.ingested_at, max_clock_skew_minutes
    )
    return AcceptedEvent(
        source_file=original.record.source_file,
        line_number=original.record.line_number,
        producer=original.producer,
        event_id=original.event_id,
        tenant_id=original.tenant_id,
        meter=original.meter,
        aggregation=aggregation,
        quantity=original.quantity,
        sample_rate=original.sample_rate,
        event_at=event_at,
        ingested_at=original.ingested_at,
        weight=event_weight(aggregation, original.quantity, original.sample_rate),
        is_late=is_late(event_at, original.ingested_at, grace_period_hours),
        is_clock_skew_corrected=corrected,
        is_new_original=is_new_original,
    )


DayKey = tuple[str, str, date]


def _daily_rows(accepted: Sequence[AcceptedEvent], removed_on: Counter[DayKey]) -> list[DailyRow]:
    """Roll accepted events up per tenant x meter x UTC day of event_at."""
    groups: dict[DayKey, list[AcceptedEvent]] = defaultdict(list)
    for event in accepted:
        groups[(event.tenant_id, event.meter, event.event_at.date())].append(event)
    rows = []
    for key in sorted(groups):
        events = groups[key]
        if events[0].aggregation == "max":
            quantity = max(event.weight for event in events)
        else:
            quantity = sum((event.weight for event in events), Decimal(0))
        rows.append(
            DailyRow(
                tenant_id=key[0],
                meter=key[1],
                usage_date=key[2],
                quantity=round_9(quantity),
                event_count=len(events),
                duplicate_count=removed_on[key],
                late_event_count=sum(event.is_late for event in events),
                clock_skew_corrected_count=sum(event.is_clock_skew_corrected for event in events),
            )
        )
    return rows


def _cross_producer_count(accepted: Sequence[AcceptedEvent]) -> int:
    """Sum over event ids of (distinct producers among accepted events - 1)."""
    producers: dict[str, set[str]] = defaultdict(set)
    for event in accepted:
        producers[event.event_id].add(event.producer)
    return sum(len(names) - 1 for names in producers.values())


def _per_file(
    records: Sequence[UsageRecord],
    visible: Sequence[UsageRecord],
    accepted: Sequence[AcceptedEvent],
    removed: Sequence[DuplicateRow],
    quarantine: Sequence[QuarantineRow],
) -> dict[str, dict[str, int]]:
    """Conservation per landing file (every file that holds a record, visible or not)."""
    names = sorted({r.source_file for r in records if r.shape != "blank"})
    table = {
        name: dict.fromkeys(("raw_records", "accepted", "duplicates", "quarantined"), 0)
        for name in names
    }
    for record in visible:
        table[record.source_file]["raw_records"] += 1
    for event in accepted:
        table[event.source_file]["accepted"] += 1
    for row in removed:
        table[row.source_file]["duplicates"] += 1
    for row in quarantine:
        table[row.source_file]["quarantined"] += 1
    return table


def _fault_counts(
    records: Sequence[UsageRecord],
    visible: Sequence[UsageRecord],
    accepted: Sequence[AcceptedEvent],
    removed: Sequence[DuplicateRow],
    quarantine: Sequence[QuarantineRow],
) -> dict[str, Any]:
    """The fault summary written to `truth/usage_faults.json`."""
    by_reason = Counter(row.reason for row in quarantine)
    conflicting = sum(row.is_conflicting for row in removed)
    return {
        "raw_records": len(visible),
        "accepted_events": len(accepted),
        "removed_duplicates": len(removed),
        "conflicting_duplicates": conflicting,
        "exact_duplicates": len(removed) - conflicting,
        "cross_producer_same_event_id": _cross_producer_count(accepted),
        "beyond_horizon_new_originals": sum(e.is_new_original for e in accepted),
        "late_events": sum(e.is_late for e in accepted),
        "clock_skew_corrected": sum(e.is_clock_skew_corrected for e in accepted),
        "sampled_events": sum(e.sample_rate is not None and e.sample_rate != ONE for e in accepted),
        "quarantined": len(quarantine),
        "quarantined_by_reason": {reason: by_reason[reason] for reason in REASONS},
        "blank_lines": sum(r.shape == "blank" for r in records),
        "per_file": _per_file(records, visible, accepted, removed, quarantine),
    }


def _split(
    visible: Iterable[UsageRecord], meters: Mapping[str, str]
) -> tuple[list[_Valid], list[QuarantineRow]]:
    """Quarantine first (before dedupe): valid records and quarantine rows."""
    valid: list[_Valid] = []
    quarantine: list[QuarantineRow] = []
    for record in visible:
        reason = quarantine_reason(record, meters)
        if reason is None:
            valid.append(_as_valid(record))
        else:
            ingested = readable_instant(record.ingested_at)
            quarantine.append(
                QuarantineRow(record.source_file, record.line_number, reason, ingested)
            )
    return valid, quarantine


def _duplicate_row(copy: _Valid, winner: _Valid, conflicting: bool) -> DuplicateRow:
    """A removed copy with its winner."""
    return DuplicateRow(
        source_file=copy.record.source_file,
        line_number=copy.record.line_number,
        producer=copy.producer,
        event_id=copy.event_id,
        winner_source_file=winner.record.source_file,
        winner_line_number=winner.record.line_number,
        is_conflicting=conflicting,
    )


def compute_usage_truth(
    records: Iterable[UsageRecord],
    as_of: datetime | date,
    grace_period_hours: int = 72,
    max_clock_skew_minutes: int = 5,
    dedupe_horizon_days: int = 35,
    meters: Mapping[str, str] | None = None,
) -> UsageTruth:
    """Daily usage facts and fault counts as a build at `as_of` must report them.

    Applies visibility (`ingested_at <= as_of`; an unreadable `ingested_at` is always
    visible), quarantine, dedupe, canonical time, lateness and sampling. `meters` maps
    meter -> aggregation and defaults to the project's `seeds/meters.csv`.
    """
    meters = load_meters() if meters is None else meters
    instant = as_of_instant(as_of)
    all_records = list(records)
    visible = [r for r in all_records if r.shape != "blank" and is_visible(r, instant)]
    valid, quarantine = _split(visible, meters)
    deduped = _dedupe(valid, dedupe_horizon_days)
    accepted = [
        _accept(original, is_new, meters, grace_period_hours, max_clock_skew_minutes)
        for original, is_new in deduped.originals
    ]
    by_key = {(e.source_file, e.line_number): e for e in accepted}
    removed_on: Counter[DayKey] = Counter()
    duplicates = []
    for copy, winner, conflicting in deduped.removed:
        won = by_key[(winner.record.source_file, winner.record.line_number)]
        removed_on[(won.tenant_id, won.meter, won.event_at.date())] += 1
        duplicates.append(_duplicate_row(copy, winner, conflicting))
    accepted.sort(key=lambda e: (e.source_file, e.line_number))
    duplicates.sort(key=lambda d: (d.source_file, d.line_number))
    quarantine.sort(key=lambda q: (q.source_file, q.line_number))
    return UsageTruth(
        as_of=instant,
        daily=_daily_rows(accepted, removed_on),
        faults=_fault_counts(all_records, visible, accepted, duplicates, quarantine),
        quarantine=quarantine,
        duplicates=duplicates,
        accepted=accepted,
    )
