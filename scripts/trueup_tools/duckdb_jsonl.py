"""DuckDB functions that read landed JSONL usage files exactly, registered on dbt's connection.

Two functions (registered by ``duckdb_landing.register``):

- ``trueup_jsonl_lines(path)``: every non-blank physical line of the file at exactly ``path``
  (no glob patterns), as a list of structs (line_number, raw_record, is_readable).
  The file is gzip-decompressed when its content starts with the gzip magic bytes (1f 8b),
  whatever its name. Lines are split on LF only; a trailing CR, spaces and tabs around a line
  are dropped; a UTF-8 byte order mark at the start of the file is ignored. Line numbers are
  physical, 1-based lines (blank lines count but are not returned). Each line is decoded on its
  own: a line that is not valid UTF-8, or longer than ``MAX_RECORD_BYTES``, comes back with
  ``is_readable = false`` and its bytes shown escaped (``\\xff``) and, when too long, truncated
  to ``SHOWN_BYTES`` with a note saying so. No byte of one line changes how another is read.
  A gzip file that cannot be decompressed stops the build with a message naming it.
- ``trueup_json_usage_fields(raw_record)``: one record parsed as strict JSON (RFC 8259: no
  trailing commas, comments, single quotes or unescaped control characters; a key repeated in
  any object, or a string holding a lone UTF-16 surrogate, makes the record unreadable; the
  tokens NaN, Infinity and -Infinity are read as non-finite numbers, which no numeric check
  accepts). Returns the record's shape and the usage fields under either shape's names, each
  from that field's own value only: a string as it is, a number as its literal digits (never
  through a binary float), true/false, an object or array as compact JSON text. The result
  is a JSON object of strings, booleans and nulls (keys: ``FIELD_COLUMNS``), which DuckDB's
  own JSON functions unpack: it holds no number, so nothing passes through a float there.
"""

from __future__ import annotations

import gc
import gzip
import json
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb

from trueup_tools.vocabulary import FLAT_USAGE_FIELDS

MAX_RECORD_BYTES = 1 << 20
"""The largest line read as a record (1 MiB, without its line ending); longer is malformed."""

SHOWN_BYTES = 4096
"""How much of an overlong line its raw_record keeps."""

GZIP_MAGIC = b"\x1f\x8b"
BOM = b"\xef\xbb\xbf"
_TRIMMED = b" \t\r"

JSONL_LINE = duckdb.struct_type(
    {
        "line_number": duckdb.sqltype("BIGINT"),
        "raw_record": duckdb.sqltype("VARCHAR"),
        "is_readable": duckdb.sqltype("BOOLEAN"),
    }
)

FIELD_NAMES = FLAT_USAGE_FIELDS
FLAT_FIELDS = frozenset(FIELD_NAMES)
"""A record with any of these top-level keys is flat (schema v1)."""

CLOUDEVENTS_NAMES = {
    "producer": "source",
    "event_id": "id",
    "tenant_id": "subject",
    "meter": "type",
    "event_ts": "time",
    "ingested_at": "ingestedat",
}
"""CloudEvents 1.0 attribute for each flat field; quantity and sample_rate live in `data`."""

TEXT_FIELDS = ("producer", "event_id", "tenant_id", "meter")
KIND_FIELDS = ("quantity", "event_ts", "ingested_at", "sample_rate")

FIELD_COLUMNS = (
    "record_shape",
    "is_supported_schema",
    *(f"{name}_text" for name in TEXT_FIELDS),
    *(column for name in KIND_FIELDS for column in (f"{name}_kind", f"{name}_text")),
)
"""The keys of the object trueup_json_usage_fields returns (as compact JSON text: one string is
far cheaper to hand to DuckDB than a struct of 14 values)."""


class JsonlReadError(ValueError):
    """A landed JSONL file cannot be read at all (not one of its lines: the file)."""


# ------------------------------------------------------------------------------------ lines


def _escaped(data: bytes) -> str:
    return data.decode("utf-8", "backslashreplace")


def _line(number: int, data: bytes, length: int) -> dict[str, Any] | None:
    """One physical line (without its LF) as a record, or None when blank."""
    if length > MAX_RECORD_BYTES:
        shown = _escaped(data[:SHOWN_BYTES].lstrip(_TRIMMED))
        note = f" ... [truncated: the line has {length} bytes, more than {MAX_RECORD_BYTES}]"
        return {"line_number": number, "raw_record": shown + note, "is_readable": False}
    data = data.strip(_TRIMMED)
    if not data:
        return None
    try:
        return {"line_number": number, "raw_record": data.decode("utf-8"), "is_readable": True}
    except UnicodeDecodeError:
        return {"line_number": number, "raw_record": _escaped(data), "is_readable": False}


def read_lines(stream: Any) -> list[dict[str, Any]]:
    """Every non-blank line of a binary stream (see the module docstring)."""
    # a million small dicts make the cyclic garbage collector rescan them again and again;
    # none of them can be part of a cycle
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _read_lines(stream)
    finally:
        if was_enabled:
            gc.enable()


def _read_lines(stream: Any) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    limit = MAX_RECORD_BYTES + 2
    number = 0
    while chunk := stream.readline(limit):
        number += 1
        ended = chunk.endswith(b"\n")
        data = chunk[:-1] if ended else chunk
        length = len(data)
        if not ended and len(chunk) == limit:
            # longer than the limit: keep the start, count and skip the rest of the line
            while rest := stream.readline(1 << 20):
                if rest.endswith(b"\n"):
                    length += len(rest) - 1
                    break
                length += len(rest)
        if number == 1 and data.startswith(BOM):
            data, length = data[len(BOM) :], length - len(BOM)
        record = _line(number, data, length)
        if record is not None:
            records.append(record)
    return records


def jsonl_lines(path: str) -> list[dict[str, Any]]:
    """The records of the JSONL file at exactly `path`, plain or gzip (by content)."""
    with open(path, "rb") as handle:
        if handle.read(2) != GZIP_MAGIC:
            handle.seek(0)
            return read_lines(handle)
        handle.seek(0)
        try:
            with gzip.GzipFile(fileobj=handle, mode="rb") as unzipped:
                return read_lines(unzipped)
        except (OSError, EOFError, zlib.error) as error:
            raise JsonlReadError(
                f"Usage file {path} starts like a gzip file but cannot be decompressed "
                f"({error}). Replace it with a complete file (gzip or plain JSONL)."
            ) from None


# ----------------------------------------------------------------------------------- fields


class _Number(str):
    """A JSON number, kept as its literal text."""


class _Unreadable(ValueError):
    """The record is not strict JSON (see the module docstring)."""


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _Unreadable("a key occurs twice in one object")
    return result


_DECODER = json.JSONDecoder(
    object_pairs_hook=_object, parse_float=_Number, parse_int=_Number, parse_constant=_Number
)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")


def _has_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, _Number):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    return "object" if isinstance(value, dict) else "array"


def _compact(value: Any) -> str:
    """Compact JSON text of a value, numbers by their literal digits."""
    if isinstance(value, _Number):
        return str.__str__(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{_compact(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_compact(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return _compact(value)


_ABSENT = object()
_MALFORMED = {
    "record_shape": "malformed",
    "is_supported_schema": False,
    **{f"{name}_text": None for name in TEXT_FIELDS},
    **{column: None for name in KIND_FIELDS for column in (f"{name}_kind", f"{name}_text")},
}


def usage_fields(raw_record: str) -> dict[str, Any]:
    """The record's shape and usage fields (see the module docstring), as a dict."""
    try:
        doc = _DECODER.decode(raw_record)
    except (ValueError, RecursionError):
        return _MALFORMED
    if not isinstance(doc, dict):
        return _MALFORMED
    if _SURROGATE_ESCAPE.search(raw_record) and _has_lone_surrogate(doc):
        return _MALFORMED
    if "specversion" in doc:
        version = doc["specversion"]
        shape = "cloudevents"
        supported = type(version) is str and version == "1.0"
        data = doc.get("data")
        data = data if isinstance(data, dict) else {}
        values = {name: doc.get(key, _ABSENT) for name, key in CLOUDEVENTS_NAMES.items()}
        values["quantity"] = data.get("quantity", _ABSENT)
        values["sample_rate"] = data.get("sample_rate", _ABSENT)
    else:
        shape = "flat" if FLAT_FIELDS.intersection(doc) else "unknown"
        supported = shape == "flat"
        values = {name: doc.get(name, _ABSENT) for name in FIELD_NAMES}
    fields: dict[str, Any] = {"record_shape": shape, "is_supported_schema": supported}
    for name in TEXT_FIELDS:
        value = values[name]
        fields[f"{name}_text"] = None if value is _ABSENT else _text(value)
    for name in KIND_FIELDS:
        value = values[name]
        fields[f"{name}_kind"] = None if value is _ABSENT else _kind(value)
        fields[f"{name}_text"] = None if value is _ABSENT else _text(value)
    return fields


def usage_fields_json(raw_record: str) -> str:
    """usage_fields as compact JSON text (what SQL receives)."""
    return json.dumps(usage_fields(raw_record), separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class SqlFunction:
    """A Python function as a DuckDB scalar function: its SQL name, parameter and return
    types, and whether DuckDB must call it on every row (it reads files)."""

    name: str
    function: Callable[..., Any]
    parameters: tuple[duckdb.DuckDBPyType, ...]
    returns: duckdb.DuckDBPyType
    side_effects: bool = False

    def create(self, con: duckdb.DuckDBPyConnection) -> None:
        con.create_function(
            self.name,
            self.function,
            list(self.parameters),
            self.returns,
            side_effects=self.side_effects,
        )


VARCHAR = duckdb.sqltype("VARCHAR")
FUNCTIONS = (
    SqlFunction(
        "trueup_jsonl_lines",
        jsonl_lines,
        (VARCHAR,),
        duckdb.list_type(JSONL_LINE),
        side_effects=True,
    ),
    SqlFunction("trueup_json_usage_fields", usage_fields_json, (VARCHAR,), VARCHAR),
)


def register(con: duckdb.DuckDBPyConnection) -> None:
    """Create the JSONL reading functions on a DuckDB connection."""
    for function in FUNCTIONS:
        function.create(con)
