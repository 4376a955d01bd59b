"""Great Expectations Data Docs that read offline.

GX's pages load bootstrap, jQuery, bootstrap-table, vega and font-awesome from CDNs, which this
machine and many finance networks cannot reach: offline, the index page is empty (its tables
are drawn by bootstrap-table from a JavaScript array) and the icons that say passed / failed
are blank. The validation and suite pages themselves are server-rendered HTML tables. So after
GX writes the site:

- every `<script>` goes (all of GX's inline scripts call jQuery), and so does every
  `<link>`, `<img>` or CSS `url()` that points to the network; the GX logo comes from the
  site's own `static/images`;
- a small stylesheet of ours, inline in each page, lays out the pages, tables and the
  passed / failed marks, and a few lines of plain JavaScript keep the "Failed Only" filter;
- the index page is replaced by a static one of ours listing the checkpoint's results.

Plain hyperlinks in the text (`<a href="https://greatexpectations.io">`) stay: they load
nothing by themselves.
"""

from __future__ import annotations

import html
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

MARKER = ".trueup-quality-docs"

OFFLINE_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
  color: #212529; line-height: 1.4; }
a { color: #0062cc; }
nav.navbar { display: flex; align-items: center; padding: 0 1rem; border-bottom: 1px solid #ddd;
  background: #fff; }
.navbar img { height: 40px !important; }
ol.breadcrumb { display: inline-flex; list-style: none; margin: 0 0 0 1rem; padding: 0;
  gap: .5rem; }
.breadcrumb-item + .breadcrumb-item::before { content: "/ "; color: #6c757d; }
.container-fluid { padding: 1rem 1.5rem; }
.row { display: flex; flex-wrap: wrap; }
.col-lg-2 { flex: 0 0 18%; max-width: 18%; box-sizing: border-box; padding-right: 1rem; }
.col-lg-10 { flex: 1 1 0; min-width: 0; }
.col-12 { flex: 0 0 100%; }
.sticky, .sticky-top { position: sticky; top: 0; }
.card { border: 1px solid #ddd; border-radius: 4px; margin-bottom: 1rem; }
.card-header { background: #f7f7f9; padding: .4rem .6rem; border-bottom: 1px solid #ddd; }
.card-body { padding: .6rem; }
.alert { border: 1px solid #d6d8db; background: #e2e3e5; padding: .6rem .9rem;
  border-radius: 4px; margin: .5rem 0; }
.nav { list-style: none; padding-left: 0; }
.btn { display: inline-block; border: 1px solid #0062cc; border-radius: 3px;
  padding: .15rem .5rem; margin: .1rem; cursor: pointer; color: #0062cc; }
.btn.active { background: #0062cc; color: #fff; }
.btn input[type=radio] { display: none; }
table { border-collapse: collapse; margin: .4rem 0 1rem; width: 100%; }
td, th { border: 1px solid #dee2e6; padding: .3rem .5rem; vertical-align: top; text-align: left; }
thead th { background: #f1f3f5; }
.show-scrollbars { overflow-x: auto; }
.text-success { color: #1e7e34; }
.text-danger { color: #c82333; }
.fas, .far { font-style: normal; font-weight: bold; }
.fa-check-circle::before { content: "\\2714"; }
.fa-times::before, .fa-times-circle::before { content: "\\2718"; }
.fa-question-circle::before { content: "?"; }
.fa-exclamation-triangle::before { content: "!"; }
.cooltip .top { display: none; }
.trueup-failed { color: #c82333; font-weight: bold; }
.trueup-passed { color: #1e7e34; font-weight: bold; }
"""

# GX's "Show All" / "Failed Only" buttons call these (its versions need jQuery).
OFFLINE_SCRIPT = """
function trueupShowSucceeded(show) {
  var display = show ? "" : "none";
  document.querySelectorAll(".hide-succeeded-validation-target-child").forEach(function (e) {
    e.parentElement.style.display = display; });
  document.querySelectorAll(".hide-succeeded-validation-target").forEach(function (e) {
    e.style.display = display; });
  document.querySelectorAll(".hide-succeeded-validations-column-section-target-child")
    .forEach(function (e) { e.parentElement.parentElement.style.display = display; });
}
function showAllValidations() { trueupShowSucceeded(true); }
function hideSucceededValidations() { trueupShowSucceeded(false); }
"""

_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.S | re.I)
_EXTERNAL_LINK = re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>", re.I)
_EXTERNAL_IMG = re.compile(r"<img\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>", re.I | re.S)
_CSS_URL = re.compile(r"url\(\s*[\"']?(?:https?:)?//[^)]*\)", re.I)
_STATIC = re.compile(r"\b(src|href)=\"(?:\.\./)*static/", re.I)
_NEWSLETTER = re.compile(r"<footer>\s*<p>\s*Stay current.*?</footer>", re.S | re.I)
# What must not remain: a tag that loads something from the network.
_LOADS_FROM_NETWORK = re.compile(
    r"<(?:script|link|img|iframe|source|embed)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//"
    r"|url\(\s*[\"']?(?:https?:)?//|@import\s+[\"']?(?:https?:)?//",
    re.I,
)


class DocsDirError(Exception):
    """The docs folder holds something that trueup did not write."""


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


def _root(page: Path, docs_dir: Path) -> str:
    """The site's root as seen from `page` ("" or "../../")."""
    up = os.path.relpath(docs_dir, page.parent).replace(os.sep, "/")
    return "" if up == "." else up + "/"


def offline_page(text: str, root: str, *, has_logo: bool = True) -> str:
    """One GX page without network resources, with our stylesheet and filter script.

    `root` is the path from the page to the site's root; GX gets it wrong by one level for
    the favicon of validation pages, so every `static/` reference is re-rooted.
    """
    logo = (
        f'<img src="{root}static/images/logo-long.png" alt="Great Expectations" '
        'style="height: 40px">'
        if has_logo
        else ""
    )
    text = _SCRIPT.sub("", text)
    text = _EXTERNAL_LINK.sub("", text)
    text = _EXTERNAL_IMG.sub(logo, text)
    text = _STATIC.sub(lambda match: f'{match.group(1)}="{root}static/', text)
    text = _CSS_URL.sub("none", text)
    text = _NEWSLETTER.sub("", text)
    head = (
        f'<style id="trueup-offline">{OFFLINE_STYLE}</style>\n'
        f'<script id="trueup-offline-filter">{OFFLINE_SCRIPT}</script>\n'
    )
    return text.replace("</head>", head + "</head>", 1)


def make_offline(docs_dir: Path) -> None:
    """Rewrite every page and stylesheet of the site in place (see the module's docstring)."""
    has_logo = (docs_dir / "static" / "images" / "logo-long.png").exists()
    for page in docs_dir.rglob("*.html"):
        text = offline_page(
            page.read_text(encoding="utf-8"), _root(page, docs_dir), has_logo=has_logo
        )
        page.write_text(text, encoding="utf-8")
    for sheet in docs_dir.rglob("*.css"):
        text = sheet.read_text(encoding="utf-8")
        sheet.write_text(_CSS_URL.sub("none", text), encoding="utf-8")


def network_references(docs_dir: Path) -> list[str]:
    """`file: tag` for every resource a page or stylesheet would load from the network."""
    found = []
    for path in sorted([*docs_dir.rglob("*.html"), *docs_dir.rglob("*.css")]):
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in _LOADS_FROM_NETWORK.finditer(text):
            found.append(f"{path.relative_to(docs_dir)}: {text[match.start() : match.end() + 60]}")
    return found


@dataclass
class IndexRow:
    """One mart's line on the index page."""

    mart: str
    rows: int
    evaluated: int
    passed: int
    failures: Sequence[str]


def _page(docs_dir: Path, folder: str, mart: str) -> str | None:
    pages = sorted((docs_dir / folder / mart).rglob("*.html")) if folder else []
    if not folder:
        single = docs_dir / "expectations" / f"{mart}.html"
        pages = [single] if single.exists() else []
    return pages[0].relative_to(docs_dir).as_posix() if pages else None


def write_index(
    docs_dir: Path, *, title: str, facts: Sequence[tuple[str, str]], rows: Sequence[IndexRow]
) -> Path:
    """Replace GX's index (drawn by JavaScript from CDNs) with a static page of the results."""
    esc = html.escape
    fact_rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in facts)
    body_rows = []
    for row in rows:
        ok = row.passed == row.evaluated
        verdict = (
            '<span class="trueup-passed">&#10004; passed</span>'
            if ok
            else '<span class="trueup-failed">&#10008; failed</span>'
        )
        result = _page(docs_dir, "validations", row.mart)
        suite = _page(docs_dir, "", row.mart)
        result_link = f'<a href="{esc(result)}">validation result</a>' if result else ""
        suite_link = f'<a href="{esc(suite)}">expectation suite</a>' if suite else ""
        failed = "".join(f"<li>{esc(line)}</li>" for line in row.failures)
        body_rows.append(
            f"<tr><td><code>finance.{esc(row.mart)}</code></td><td>{verdict}</td>"
            f"<td>{row.passed} / {row.evaluated}</td><td>{row.rows:,}</td>"
            f"<td>{result_link} &middot; {suite_link}"
            f"{f'<ul>{failed}</ul>' if failed else ''}</td></tr>"
        )
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<title>{esc(title)}</title>
<style id="trueup-offline">{OFFLINE_STYLE}</style>
</head>
<body>
<div class="container-fluid">
<h1>{esc(title)}</h1>
<table style="width: auto">{fact_rows}</table>
<h2>Validation results</h2>
<table>
<thead><tr><th>mart</th><th>status</th><th>expectations passed</th><th>rows</th>
<th>pages</th></tr></thead>
<tbody>
{"".join(body_rows)}
</tbody>
</table>
<p>Written by <code>trueup check</code> with Great Expectations (GX Core); readable offline.
Each validation result lists every expectation with the values that broke it.</p>
</div>
</body>
</html>
"""
    index = docs_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    return index
