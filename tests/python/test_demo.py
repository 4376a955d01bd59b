"""`trueup demo` tells the same true-up story whatever the wall clock says: it builds the sample
at the sample's own dates (one build per close watermark), so its summary shows closes, a
billing correction and late usage booked after close, post-close deltas, and nothing dated by
today's calendar; the quality check passes at the last build's as_of with the usage-age rule on.

The wall clock is really faked: each demo runs in a subprocess under libfaketime (LD_PRELOAD of
the library python-libfaketime vendors), which moves Python's clock, DuckDB's now() and so dbt's
run_started_at. A clock earlier than the sample's ingestion times is refused with a clear
message: a record cannot have been received after its file was loaded (such records are
quarantined), so no honest build of that sample exists then."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb
import libfaketime
import pytest

from trueup_tools import PROJECT_DIR

FAKETIME_LIBRARY = (
    Path(libfaketime.__file__).parent / "vendor" / "libfaketime" / "src" / "libfaketime.so.1"
)
FAR_AFTER = datetime(2031, 6, 1, 12, 0, 0)
BEFORE = datetime(2026, 1, 15, 9, 0, 0)
EVENTS = "1500"
LEDGER_REASONS = ("variance_at_close", "billing_correction", "late_usage")


def _environment(clock: datetime | None, root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        TRUEUP_DUCKDB_PATH=str(root / "warehouse.duckdb"),
        DBT_TARGET_PATH=str(root / "target"),
        DBT_LOG_PATH=str(root / "logs"),
        PYTHONPATH=os.pathsep.join([str(PROJECT_DIR / "scripts"), env.get("PYTHONPATH", "")]),
    )
    if clock is not None:
        env.update(
            LD_PRELOAD=str(FAKETIME_LIBRARY),
            FAKETIME=f"@{clock:%Y-%m-%d %H:%M:%S}",  # starts there and ticks
            FAKETIME_DONT_FAKE_MONOTONIC="1",
        )
    return env


def run_demo(clock: datetime | None, root: Path) -> subprocess.CompletedProcess:
    root.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "trueup_tools.cli", "demo", "--out", str(root / "data")]
    return subprocess.run(
        [*command, "--events", EVENTS],
        env=_environment(clock, root),
        cwd=root,
        capture_output=True,
        text=True,
        timeout=900,
    )


def _section(output: str, title: str) -> list[str]:
    """The lines of the summary section that starts with `title` (up to the next blank line)."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def _story(output: str) -> str:
    """The summary's figures: everything from `Builds` to the ledger table, and the ledger
    entries without their hash (it chains the dbt invocation id)."""
    text = output[output.index("\nBuilds ") : output.index("\nQuality checkpoint")]
    return re.sub(r" [0-9a-f]{12}$", "", text, flags=re.MULTILINE)


@pytest.fixture(scope="module")
def demos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple]:
    root = tmp_path_factory.mktemp("demo")
    runs = {}
    for name, clock in (("far_after", FAR_AFTER), ("real_clock", None)):
        result = run_demo(clock, root / name)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        runs[name] = (result, root / name)
    return runs


def test_faketime_moves_python_duckdb_and_dbt_clocks(
    demos: dict[str, tuple], tmp_path: Path
) -> None:
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import datetime, duckdb; print(datetime.datetime.now().year, "
            "duckdb.sql('select year(now())').fetchall()[0][0])",
        ],
        env=_environment(FAR_AFTER, tmp_path),
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.split() == ["2031", "2031"]
    _, root = demos["far_after"]
    con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    try:  # recorded_at is dbt's run_started_at
        years = con.execute("select distinct year(recorded_at) from ops.ledger_heads").fetchall()
    finally:
        con.close()
    assert years == [(FAR_AFTER.year,)]


@pytest.mark.parametrize("name", ["far_after", "real_clock"])
def test_demo_summary_tells_the_true_up_story(demos: dict[str, tuple], name: str) -> None:
    result, root = demos[name]
    out = result.stdout
    builds = _section(out, "Builds ")
    assert builds[1:] == [
        "  as_of 2026-09-04 00:00:00 UTC  dbt build",
        "  as_of 2026-10-04 00:00:00 UTC  dbt build",
    ], builds
    closes = _section(out, "Closed periods")
    assert closes[1].startswith("  2026-08-01  closed at 2026-09-04 00:00:00 UTC")
    assert closes[2].startswith("  2026-09-01  closed at 2026-10-04 00:00:00 UTC")
    deltas = _section(out, "Post-close deltas")
    assert any("2026-08-01  modified" in line for line in deltas[1:]), deltas
    reasons = _section(out, "Adjustment ledger")[1]
    for reason in LEDGER_REASONS:
        assert re.search(rf"\b{reason} [1-9]", reasons), reasons
    con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    try:
        periods = con.execute(
            "select distinct period_start from finance.fct_trueup_variance order by 1"
        ).fetchall()
        corrections = con.execute(
            "select count(*) from finance.fct_adjustment_ledger l "
            "join finance.fct_period_closes c using (period_start) "
            "where l.reason = 'billing_correction' and l.booked_at > c.closed_at"
        ).fetchall()[0][0]
    finally:
        con.close()
    # the sample's months and the month of the last as_of: none dated by the wall clock
    assert [p for (p,) in periods] == [date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1)]
    assert corrections > 0, "a billing correction booked after its period closed"
    assert "Quality checkpoint trueup_finance_marts" in out
    assert "as_of 2026-10-04 00:00:00, of the last build" in out
    assert "usage age not checked" not in out
    assert "expectations passed" in out and "failed" not in _section(out, "Quality checkpoint")[0]


def test_demo_figures_do_not_depend_on_the_wall_clock(demos: dict[str, tuple]) -> None:
    far, real = (demos[name][0].stdout for name in ("far_after", "real_clock"))
    assert _story(far) == _story(real)
    tables = {}
    for name, (_, root) in demos.items():
        con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
        try:
            tables[name] = [
                con.execute(
                    "select period_start, tenant_id, meter, status, expected_amount, "
                    "billed_amount, is_closed from finance.fct_trueup_variance order by all"
                ).fetchall(),
                con.execute(
                    "select entry_id, period_start, tenant_id, meter, amount, entry_type, "
                    "approval, reason, booked_at from finance.fct_adjustment_ledger order by 1"
                ).fetchall(),
            ]
        finally:
            con.close()
    assert tables["far_after"] == tables["real_clock"]


def test_demo_refuses_a_wall_clock_before_the_sample(tmp_path: Path) -> None:
    result = run_demo(BEFORE, tmp_path)
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr[-2000:]
    assert "the wall clock (2026-01-15" in result.stderr
    assert "earlier than the sample's ingestion times" in result.stderr
    assert "Nothing was built" in result.stderr
    assert not (tmp_path / "warehouse.duckdb").exists()
