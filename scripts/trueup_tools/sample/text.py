"""The text forms the landing files use: timestamps with their offsets, JSON values and
objects in the flat and CloudEvents shapes, and what a record's fields demand of its file
(JSONL only, CloudEvents only). Pure functions of a draft and the random stream.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from random import Random
from typing import Any

from trueup_tools.sample.plan import ABSENT, _BadText, _Draft, _Num
from trueup_tools.vocabulary import FLAT_USAGE_FIELDS

OFFSETS: tuple[tuple[str, timezone | None], ...] = (
    ("Z", UTC),
    ("Z", UTC),
    ("+00:00", UTC),
    ("+05:30", timezone(timedelta(hours=5, minutes=30))),
    ("-08:00", timezone(timedelta(hours=-8))),
    ("", None),
)
"""Offsets a timestamp is written with (`""`: no offset, meaning UTC)."""


NUMERIC_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")


PLAIN_TEXT = re.compile(r"[ !#-\[\]-~]*")
"""Printable ASCII without `"` and `\\`: needs no JSON escaping."""


SPECIAL_NUMBERS = frozenset({"NaN", "Infinity", "-Infinity", "inf", "-inf"})


def _numeric(field_value: Any) -> bool:
    """Whether a number field can be stored in a Parquet DECIMAL column."""
    return not isinstance(field_value, _Num) or bool(NUMERIC_TEXT.fullmatch(field_value.text))


def _needs_jsonl(draft: _Draft) -> bool:
    """Records Parquet cannot hold: non-objects and non-numeric numbers."""
    if draft.kind != "object":
        return True
    return not (_numeric(draft.fields["quantity"]) and _numeric(draft.fields["sample_rate"]))


def _needs_shape(draft: _Draft) -> str | None:
    """A record with a specversion other than 1.0 must be written as CloudEvents."""
    return "cloudevents" if draft.fields.get("specversion") != "1.0" else None


def format_timestamp(instant: datetime, rng: Random) -> str:
    """RFC 3339 text of an instant with a random offset (or none = UTC) and fraction."""
    suffix, zone = rng.choice(OFFSETS)
    local = instant.astimezone(zone) if zone is not None else instant.astimezone(UTC)
    text = local.strftime("%Y-%m-%dT%H:%M:%S")
    micros = local.microsecond
    if micros:
        fraction = f"{micros:06d}"
        text += "." + (fraction if rng.random() < 0.5 else fraction.rstrip("0"))
    elif rng.random() < 0.1:
        text += ".000"
    return text + suffix


def naive_utc_text(instant: datetime) -> str:
    """`YYYY-MM-DD HH:MM:SS.ffffff` in UTC, for a Parquet TIMESTAMP column."""
    return instant.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _json_string(text: str) -> str:
    """A JSON string literal (fast path for plain printable ASCII)."""
    return f'"{text}"' if PLAIN_TEXT.fullmatch(text) else json.dumps(text)


def _json_value(value: Any, rng: Random) -> str:
    """JSON text of a field value; numbers are written from their decimal text, never float."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return _json_string(value)
    if isinstance(value, _Num):
        return _json_string(value.text) if value.quoted else value.text
    if isinstance(value, datetime):
        return _json_string(format_timestamp(value, rng))
    if isinstance(value, _BadText):
        return _json_string(value.text)
    if isinstance(value, dict):
        return _json_object(list(value.items()), rng)
    return json.dumps(value)


def _json_object(items: list[tuple[str, Any]], rng: Random | None = None) -> str:
    """A JSON object from (key, value) pairs, skipping absent values."""
    rng = rng or Random(0)
    parts = [f"{_json_string(k)}: {_json_value(v, rng)}" for k, v in items if v is not ABSENT]
    return "{" + ", ".join(parts) + "}"


FLAT_KEYS = FLAT_USAGE_FIELDS


def _flat_items(draft: _Draft, rng: Random) -> list[tuple[str, Any]]:
    """Flat (schema v1) key/value pairs, sometimes in shuffled order."""
    items = [(key, draft.fields[key]) for key in FLAT_KEYS]
    if rng.random() < 0.2:
        rng.shuffle(items)
    return items


def _ce_items(draft: _Draft) -> list[tuple[str, Any]]:
    """CloudEvents 1.0 (schema v2) attribute/value pairs."""
    f = draft.fields
    data = {k: f[k] for k in ("quantity", "sample_rate") if f[k] is not ABSENT}
    return [
        ("specversion", f["specversion"]),
        ("id", f["event_id"]),
        ("source", f["producer"]),
        ("type", f["meter"]),
        ("subject", f["tenant_id"]),
        ("time", f["event_ts"]),
        ("datacontenttype", "application/json"),
        ("data", data if data else ABSENT),
        ("ingestedat", f["ingested_at"]),
    ]


def _jsonl_shape(draft: _Draft, rng: Random, cloudevents_rate: float) -> str:
    """Shape of a JSONL object record: forced CloudEvents, else random by the rate."""
    if draft.kind != "object":
        return draft.kind
    if _needs_shape(draft) or rng.random() < cloudevents_rate:
        return "cloudevents"
    return "flat"


def _jsonl_line(draft: _Draft, shape: str, rng: Random) -> str:
    """The text of one JSONL line."""
    if shape == "not_object":
        return draft.raw_text
    if shape == "no_known_fields":
        return _json_object(list(draft.extra.items()), rng)
    if shape == "cloudevents":
        return _json_object(_ce_items(draft), rng)
    return _json_object(_flat_items(draft, rng), rng)
