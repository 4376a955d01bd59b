"""Engine-specific SQL lives behind adapter.dispatch: models, singular tests and analyses use
only SQL that PostgreSQL and Spark also read, and call a dispatched macro (macros/) for
anything else. This scans their Jinja sources (comments removed) for DuckDB-only syntax."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from trueup_tools import PROJECT_DIR

SCANNED = ("models", "tests/singular", "analyses")

# DuckDB syntax or functions that PostgreSQL or Spark do not read the same way; each has a
# portable form or belongs in a dispatched macro
DUCKDB_ONLY = {
    "QUALIFY": r"\bqualify\b",
    "JSON function": r"\bjson_\w+\s*\(",
    "list function": r"\b(?:list_\w+|array_has_any)\s*\(",
    "struct function": r"\bstruct_\w+\s*\(",
    "arg_min/arg_max": r"\barg_(?:min|max)\s*\(",
    "GROUP BY ALL": r"\bgroup\s+by\s+all\b",
    "SELECT * EXCLUDE": r"\*\s*exclude\s*\(",
    ":: cast": r"::",
    "file reader": r"\bread_(?:parquet|json\w*|csv\w*)\s*\(",
    "strptime": r"\bstrptime\s*\(",
    "hash()": r"(?<![\w.])hash\s*\(",
}

JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
SQL_COMMENT = re.compile(r"--[^\n]*")


def duckdb_only_uses(text: str) -> list[tuple[int, str]]:
    """(line number, construct) for every DuckDB-only construct in a model's Jinja source."""
    # blank out comments, keeping the line numbers
    text = JINJA_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    text = SQL_COMMENT.sub("", text)
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for construct, pattern in DUCKDB_ONLY.items():
            if re.search(pattern, line, re.IGNORECASE):
                found.append((number, construct))
    return found


def test_the_scan_finds_duckdb_only_sql() -> None:
    source = """{# qualify, json_keys( in a comment are fine #}
select a, trueup_json_kind(x) -- json_type( in a comment is fine
from t
qualify row_number() over () = 1
where list_has_any(json_keys(doc), ['a']) and x::int > 0
group by all
"""
    assert duckdb_only_uses(source) == [
        (4, "QUALIFY"),
        (5, "JSON function"),
        (5, "list function"),
        (5, ":: cast"),
        (6, "GROUP BY ALL"),
    ]


@pytest.mark.parametrize("folder", SCANNED)
def test_models_tests_and_analyses_use_portable_sql(folder: str) -> None:
    files = sorted((PROJECT_DIR / folder).rglob("*.sql"))
    assert files, f"no SQL files under {folder}"
    uses = [
        f"{path.relative_to(PROJECT_DIR)}:{line}: {construct}"
        for path in files
        for line, construct in duckdb_only_uses(Path(path).read_text(encoding="utf-8"))
    ]
    assert not uses, (
        "DuckDB-only SQL outside macros (write it portably, or in a dispatched macro under "
        "macros/):\n" + "\n".join(uses)
    )
