"""The quality checkpoint's Data Docs: a small static HTML site that reads offline.

GX's own Data Docs load bootstrap, jQuery, bootstrap-table, vega and font-awesome from CDNs,
which this machine and many finance networks cannot reach (offline, its index page is empty
and its passed / failed icons are blank), and GX has no setting to serve those assets
locally. Rather than rewrite GX's HTML, `trueup check` writes its own pages from the
checkpoint's validation results (the same JSON GX's renderers read):

- `index.html`: the run's facts and one line per mart (verdict, counts, links);
- `expectations/<mart>.html`: the mart's expectation suite, each rule in words with its
  expectation type and arguments;
- `validations/<mart>/result.html`: the validation result, each expectation with its verdict,
  what was observed and the rows that broke it.

Every page is plain HTML with one inline stylesheet: no script, no image, nothing loaded.
The module knows nothing of GX: `quality` hands it plain `SuitePage` rows.
"""

from __future__ import annotations

import html
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MARKER = ".trueup-quality-docs"

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
  color: #212529; line-height: 1.4; }
.page { padding: 1rem 1.5rem; }
a { color: #0062cc; }
nav { padding: .6rem 1.5rem; border-bottom: 1px solid #ddd; background: #f7f7f9; }
table { border-collapse: collapse; margin: .4rem 0 1rem; width: 100%; }
td, th { border: 1px solid #dee2e6; padding: .3rem .5rem; vertical-align: top; text-align: left; }
thead th { background: #f1f3f5; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { margin: 0; white-space: pre-wrap; }
ul { margin: .2rem 0; padding-left: 1.2rem; }
.trueup-failed { color: #c82333; font-weight: bold; }
.trueup-passed { color: #1e7e34; font-weight: bold; }
"""

PASSED = '<span class="trueup-passed">&#10004; passed</span>'
FAILED = '<span class="trueup-failed">&#10008; failed</span>'


class DocsDirError(Exception):
    """The docs folder holds something that trueup did not write."""


@dataclass
class IndexRow:
    """One mart's line on the index page."""

    mart: str
    rows: int
    evaluated: int
    passed: int
    failures: Sequence[str]


@dataclass
class ResultRow:
    """One expectation of a suite and, once validated, its outcome."""

    words: str
    columns: Sequence[str]
    kind: str
    arguments: dict[str, Any]
    success: bool
    detail: str = ""
    examples: Sequence[str] = field(default_factory=list)


@dataclass
class SuitePage:
    """One mart's suite and validation result, as the pages show them."""

    mart: str
    rows: int
    results: Sequence[ResultRow]


def prepare(docs_dir: Path) -> None:
    """Empty the docs folder for a new run (only a folder trueup made), or create it."""
    if docs_dir.exists():
        if not docs_dir.is_dir():
            raise DocsDirError(f"{docs_dir} is not a folder.")
        if any(docs_dir.iterdir()) and not (docs_dir / MARKER).exists():
            raise DocsDirError(
                f"{docs_dir} is not empty and was not written by `trueup check`: "
                "choose another --docs-dir (the check replaces the folder's content)."
            )
        shutil.rmtree(docs_dir)
    docs_dir.mkdir(parents=True)
    (docs_dir / MARKER).write_text("Data Docs written by `trueup check`; replaced every run.\n")


def suite_path(mart: str) -> str:
    """The suite page of a mart, relative to the site's root."""
    return f"expectations/{mart}.html"


def result_path(mart: str) -> str:
    """The validation result page of a mart, relative to the site's root."""
    return f"validations/{mart}/result.html"


def _html(title: str, body: str, root: str = "") -> str:
    """A whole page: our stylesheet inline, a link back to the index unless it is the index."""
    esc = html.escape
    nav = "" if not root else f'<nav><a href="{root}index.html">&larr; all marts</a></nav>\n'
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<title>{esc(title)}</title>
<style id="trueup-offline">{STYLE}</style>
</head>
<body>
{nav}<div class="page">
<h1>{esc(title)}</h1>
{body}
</div>
</body>
</html>
"""


def _write(docs_dir: Path, relative: str, text: str) -> Path:
    path = docs_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _arguments(arguments: dict[str, Any]) -> str:
    """An expectation's arguments as readable JSON (sets and dates as text)."""
    return html.escape(json.dumps(arguments, indent=1, sort_keys=True, default=str))


def write_suite_page(docs_dir: Path, page: SuitePage) -> Path:
    """`expectations/<mart>.html`: every rule of the mart's suite."""
    esc = html.escape
    rows = "".join(
        f"<tr><td>{esc(r.words)}</td><td><code>{esc(', '.join(r.columns))}</code></td>"
        f"<td><code>{esc(r.kind)}</code></td><td><pre>{_arguments(r.arguments)}</pre></td></tr>"
        for r in page.results
    )
    body = (
        f"<p>{len(page.results)} expectations on <code>finance.{esc(page.mart)}</code>. "
        f'<a href="../{result_path(page.mart)}">Validation result</a>.</p>\n'
        "<table><thead><tr><th>expectation</th><th>columns</th><th>type</th>"
        f"<th>arguments</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    return _write(docs_dir, suite_path(page.mart), _html(f"Suite finance.{page.mart}", body, "../"))


def write_result_page(docs_dir: Path, page: SuitePage) -> Path:
    """`validations/<mart>/result.html`: each expectation's verdict, observation, examples."""
    esc = html.escape
    passed = sum(r.success for r in page.results)
    rows = []
    for r in page.results:
        examples = "".join(f"<li><code>{esc(e)}</code></li>" for e in r.examples)
        rows.append(
            f"<tr><td>{PASSED if r.success else FAILED}</td><td>{esc(r.words)}</td>"
            f"<td><code>{esc(', '.join(r.columns))}</code></td><td>{esc(r.detail)}"
            f"{f'<ul>{examples}</ul>' if examples else ''}</td></tr>"
        )
    body = (
        f"<p>{passed} of {len(page.results)} expectations passed on {page.rows:,} rows of "
        f'<code>finance.{esc(page.mart)}</code>. <a href="../../{suite_path(page.mart)}">'
        "Expectation suite</a>.</p>\n"
        "<table><thead><tr><th>status</th><th>expectation</th><th>columns</th>"
        f"<th>observed</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    title = f"Validation of finance.{page.mart}"
    return _write(docs_dir, result_path(page.mart), _html(title, body, "../../"))


def write_index(
    docs_dir: Path, *, title: str, facts: Sequence[tuple[str, str]], rows: Sequence[IndexRow]
) -> Path:
    """`index.html`: the run's facts and one line per mart with links to its pages."""
    esc = html.escape
    fact_rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in facts)
    body_rows = []
    for row in rows:
        verdict = PASSED if row.passed == row.evaluated else FAILED
        failed = "".join(f"<li>{esc(line)}</li>" for line in row.failures)
        body_rows.append(
            f"<tr><td><code>finance.{esc(row.mart)}</code></td><td>{verdict}</td>"
            f"<td>{row.passed} / {row.evaluated}</td><td>{row.rows:,}</td>"
            f'<td><a href="{result_path(row.mart)}">validation result</a> &middot; '
            f'<a href="{suite_path(row.mart)}">expectation suite</a>'
            f"{f'<ul>{failed}</ul>' if failed else ''}</td></tr>"
        )
    body = f"""<table style="width: auto">{fact_rows}</table>
<h2>Validation results</h2>
<table>
<thead><tr><th>mart</th><th>status</th><th>expectations passed</th><th>rows</th>
<th>pages</th></tr></thead>
<tbody>
{"".join(body_rows)}
</tbody>
</table>
<p>Written by <code>trueup check</code> from the Great Expectations (GX Core) validation
results; readable offline. Each validation result lists every expectation with the values
that broke it.</p>"""
    return _write(docs_dir, "index.html", _html(title, body))
