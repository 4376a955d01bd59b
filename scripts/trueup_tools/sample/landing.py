"""Stage 2 (continued), landing: places the drafts in files (per ingest date and producer,
a format that can hold each record) and renders them in memory: JSONL bytes, staged Parquet
rows, and the *logical* `UsageRecord` of every physical line or row, which is what the usage
truth reads. Takes the `_Context`; gives `_File`s and an `_Output`. Writes nothing.
"""

from __future__ import annotations

import gzip
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date
from decimal import Decimal
from random import Random
from typing import Any

from trueup_tools.sample.config import JSONL_FORMATS
from trueup_tools.sample.plan import ABSENT, _BadText, _Context, _Draft, _File
from trueup_tools.sample.text import (
    NUMERIC_TEXT,
    SPECIAL_NUMBERS,
    _jsonl_line,
    _jsonl_shape,
    _needs_jsonl,
    _needs_shape,
    format_timestamp,
    naive_utc_text,
)
from trueup_tools.sample.usage_rules import Instant, Invalid, Number, UsageRecord


def _needs_text_ts(draft: _Draft) -> bool:
    """Records with an unreadable timestamp text (Parquet: VARCHAR timestamp columns only)."""
    return any(isinstance(draft.fields.get(k), _BadText) for k in ("event_ts", "ingested_at"))


def _compatible(file: _File, draft: _Draft) -> bool:
    """Whether the file's format (and Parquet shape / timestamp type) can hold the draft."""
    if file.fmt in JSONL_FORMATS:
        return True
    if _needs_jsonl(draft) or (_needs_text_ts(draft) and file.ts_type != "varchar"):
        return False
    shape = _needs_shape(draft)
    return shape is None or shape == file.shape


def _new_file(ctx: _Context, key: tuple[date, str], index: int, fmt: str | None = None) -> _File:
    """A file of a random enabled format (Parquet: random shape and timestamp type)."""
    rng = ctx.rng
    fmt = fmt or rng.choice(ctx.config.formats)
    shape = "cloudevents" if rng.random() < ctx.config.cloudevents_rate else "flat"
    ts_type = rng.choice(("varchar", "timestamp"))
    return _File(key[0], key[1], index, fmt, shape, ts_type)


def _file_for(ctx: _Context, key: tuple[date, str], index: int, draft: _Draft) -> _File:
    """A new file able to hold the draft."""
    jsonl = [fmt for fmt in ctx.config.formats if fmt in JSONL_FORMATS]
    if jsonl:
        return _new_file(ctx, key, index, jsonl[0])
    file = _new_file(ctx, key, index, "parquet")
    file.shape = _needs_shape(draft) or file.shape
    file.ts_type = "varchar" if _needs_text_ts(draft) else file.ts_type
    return file


def _place_group(ctx: _Context, key: tuple[date, str], drafts: list[_Draft]) -> list[_File]:
    """Spread one (ingest date, producer) group over a few files."""
    rng = ctx.rng
    initial = 1 + len(drafts) // 400 + (1 if rng.random() < 0.35 else 0)
    files = [_new_file(ctx, key, i + 1) for i in range(initial)]
    for draft in drafts:
        candidates = [f for f in files if _compatible(f, draft)]
        if draft.tie_with is not None:
            candidates = [f for f in candidates if f is not draft.tie_with.file]
        if not candidates:
            candidates = [_file_for(ctx, key, len(files) + 1, draft)]
            files.append(candidates[0])
        chosen = rng.choice(candidates)
        chosen.drafts.append(draft)
        draft.file = chosen
    for file in files:
        file.drafts.sort(key=lambda d: (d.file_time, d.seq))
    return [f for f in files if f.drafts]


def _place(ctx: _Context) -> list[_File]:
    """All files, in path order."""
    groups: dict[tuple[date, str], list[_Draft]] = defaultdict(list)
    for draft in ctx.drafts:
        groups[(draft.file_time.astimezone(UTC).date(), draft.group_producer)].append(draft)
    files: list[_File] = []
    for key in sorted(groups):
        files.extend(_place_group(ctx, key, groups[key]))
    return sorted(files, key=lambda f: f.relative_path)


def _text_value(value: Any) -> str | None:
    """Logical value of an identifier field."""
    return None if value is None or value is ABSENT else str(value)


def number_value(value: Any) -> Number:
    """Logical value of a number field: Decimal (incl. NaN/Infinity), Invalid or None."""
    if value is None or value is ABSENT:
        return None
    text = value.text
    if NUMERIC_TEXT.fullmatch(text) or text in SPECIAL_NUMBERS:
        return Decimal(text)
    return Invalid(text)


def _instant_value(value: Any) -> Instant:
    """Logical value of a timestamp field."""
    if value is None or value is ABSENT:
        return None
    if isinstance(value, _BadText):
        return Invalid(value.text)
    return value


def _logical(draft: _Draft, shape: str, path: str, line: int) -> UsageRecord:
    """The logical record a line or row holds."""
    if shape in ("not_object", "no_known_fields"):
        return UsageRecord(path, line, shape)
    f = draft.fields
    return UsageRecord(
        source_file=path,
        line_number=line,
        shape=shape,
        event_id=_text_value(f["event_id"]),
        producer=_text_value(f["producer"]),
        tenant_id=_text_value(f["tenant_id"]),
        meter=_text_value(f["meter"]),
        quantity=number_value(f["quantity"]),
        event_ts=_instant_value(f["event_ts"]),
        ingested_at=_instant_value(f["ingested_at"]),
        sample_rate=number_value(f["sample_rate"]),
        specversion=_text_value(f["specversion"]) if shape == "cloudevents" else None,
    )


@dataclass
class _Output:
    """Rendered landing content: JSONL bytes per file and staged Parquet rows."""

    records: list[UsageRecord] = field(default_factory=list)
    jsonl: dict[str, bytes] = field(default_factory=dict)
    parquet_rows: list[dict[str, Any]] = field(default_factory=list)
    parquet_files: list[tuple[int, _File]] = field(default_factory=list)
    intended: dict[tuple[str, int], str] = field(default_factory=dict)


def _render_jsonl(file: _File, ctx: _Context, out: _Output, force_blank: bool) -> int:
    """Lines of a JSONL file (blank lines in between); returns the number of blank lines."""
    rng, path = ctx.rng, file.relative_path
    lines: list[str] = []
    blanks = 0
    for position, draft in enumerate(file.drafts):
        blank = position > 0 and rng.random() < ctx.config.blank_line_rate
        if blank or (force_blank and position == min(1, len(file.drafts) - 1)):
            lines.append("")
            blanks += 1
            out.records.append(UsageRecord(path, len(lines), "blank"))
        shape = _jsonl_shape(draft, rng, ctx.config.cloudevents_rate)
        lines.append(_jsonl_line(draft, shape, rng))
        _record(out, draft, shape, path, len(lines))
    data = ("\n".join(lines) + "\n").encode("utf-8")
    out.jsonl[path] = gzip.compress(data, mtime=0) if file.fmt == "jsonl.gz" else data
    return blanks


def _record(out: _Output, draft: _Draft, shape: str, path: str, line: int) -> None:
    """Keep the logical record (and the reason it was meant to be quarantined for)."""
    out.records.append(_logical(draft, shape, path, line))
    if draft.intended_reason:
        out.intended[(path, line)] = draft.intended_reason


def _staged_ts(value: Any, ts_type: str, rng: Random) -> str | None:
    """A timestamp as staged for Parquet: RFC 3339 text, or naive UTC for TIMESTAMP."""
    if value is None or value is ABSENT:
        return None
    if isinstance(value, _BadText):
        return value.text
    return naive_utc_text(value) if ts_type == "timestamp" else format_timestamp(value, rng)


def _staged_num(value: Any) -> str | None:
    """A number's text as staged for a Parquet DECIMAL column."""
    return None if value is None or value is ABSENT else value.text


def _render_parquet(file_id: int, file: _File, ctx: _Context, out: _Output) -> None:
    """Stage the rows of one Parquet file (written by DuckDB later)."""
    rng, path = ctx.rng, file.relative_path
    for row_number, draft in enumerate(file.drafts, start=1):
        f = draft.fields
        out.parquet_rows.append(
            {
                "file_id": file_id,
                "row_number": row_number,
                "event_id": _text_value(f["event_id"]),
                "producer": _text_value(f["producer"]),
                "tenant_id": _text_value(f["tenant_id"]),
                "meter": _text_value(f["meter"]),
                "quantity": _staged_num(f["quantity"]),
                "event_ts": _staged_ts(f["event_ts"], file.ts_type, rng),
                "ingested_at": _staged_ts(f["ingested_at"], file.ts_type, rng),
                "sample_rate": _staged_num(f["sample_rate"]),
                "specversion": _text_value(f["specversion"]),
            }
        )
        _record(out, draft, file.shape, path, row_number)
    out.parquet_files.append((file_id, file))


def _render(files: Sequence[_File], ctx: _Context) -> _Output:
    """Render every file (in path order, so the random choices are reproducible)."""
    out = _Output()
    blank_forced = ctx.config.blank_line_rate <= 0
    for file_id, file in enumerate(files):
        if file.fmt == "parquet":
            _render_parquet(file_id, file, ctx, out)
        else:
            _render_jsonl(file, ctx, out, force_blank=not blank_forced)
            blank_forced = True
    return out
