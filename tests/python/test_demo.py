"""`trueup demo` tells the same true-up story whatever the wall clock says: it builds the sample
at the sample's own dates (one build per close watermark), so its summary shows closes, a
billing correction and late usage booked after close, post-close deltas, and nothing dated by
today's calendar; the quality check passes at the last build's as_of with the usage-age rule on.

The wall clock is really faked: each demo runs in a subprocess under libfaketime (LD_PRELOAD of
the library python-libfaketime vendors), which moves Python's clock, DuckDB's now() and so dbt's
run_started_at. A clock earlier than the sample's ingestion times is refused with a clear
message: a record cannot have been received after its file was loaded (such records are
quarantined), so no honest build of that sample exists then.

Each demo runs in its own copy of the project (the sample under the copy's data/, as ./run.sh
writes it): the demo's last build reads the amended rate card from <out>/reference through
TRUEUP_SEED_PATH, which dbt reads relative to the project directory.

The real-clock demo is the README walk's `./run.sh` (conftest.py's `readme_walk_demo`: the
walk runs once per test run; the same command with the same default options, in a fresh copy
of the project); the 2031 one runs here with the same options, so the two tell the same story.
libfaketime's "forced monotonic fix" is turned off (FAKETIME_FORCE_MONOTONIC_FIX=0): with it
(the default on glibc >= 2.30) the timed waits on monotonic condition variables, which
CPython's GIL hand-over among dbt's threads uses, spin (a futex storm; threads contending for
the GIL ran 4-7 times slower); the monotonic clock is not faked, so they need no fix."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import libfaketime
import pytest

from trueup_tools import PROJECT_DIR, generate, pricing
from trueup_tools.build import REFERENCE_FOLDER, DemoBuild, demo_rate_amendment
from trueup_tools.sample import usage_truth as truth

FAKETIME_LIBRARY = (
    Path(libfaketime.__file__).parent / "vendor" / "libfaketime" / "src" / "libfaketime.so.1"
)
FAR_AFTER = datetime(2031, 6, 1, 12, 0, 0)
BEFORE = datetime(2026, 1, 15, 9, 0, 0)
LEDGER_REASONS = ("variance_at_close", "billing_correction", "contract_change", "late_usage")
PROJECT_PARTS = (
    "dbt_project.yml",
    "profiles.yml",
    "pyproject.toml",
    "models",
    "macros",
    "seeds",
    "tests",
    "analyses",
    "scripts",
)
CLOSED = (date(2026, 8, 1), date(2026, 9, 1))
LAST_AS_OF = datetime(2026, 10, 4)


def copy_project(root: Path) -> Path:
    """A copy of the project under root/project (without data, target or logs)."""
    project = root / "project"
    project.mkdir(parents=True)
    for part in PROJECT_PARTS:
        source = PROJECT_DIR / part
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
            shutil.copytree(source, project / part, ignore=ignore)
        else:
            shutil.copy2(source, project / part)
    return project


def _environment(clock: datetime | None, root: Path, project: Path = PROJECT_DIR) -> dict:
    env = dict(os.environ)
    env.pop("TRUEUP_SEED_PATH", None)
    env.update(
        TRUEUP_DUCKDB_PATH=str(root / "warehouse.duckdb"),
        DBT_TARGET_PATH=str(root / "target"),
        DBT_LOG_PATH=str(root / "logs"),
        DBT_PROFILES_DIR=str(project),
        PYTHONPATH=os.pathsep.join([str(project / "scripts"), env.get("PYTHONPATH", "")]),
    )
    if clock is not None:
        env.update(
            LD_PRELOAD=str(FAKETIME_LIBRARY),
            FAKETIME=f"@{clock:%Y-%m-%d %H:%M:%S}",  # starts there and ticks
            FAKETIME_DONT_FAKE_MONOTONIC="1",
            FAKETIME_FORCE_MONOTONIC_FIX="0",  # see the module docstring
        )
    return env


def run_demo(
    clock: datetime | None, root: Path, options: tuple[str, ...] = ()
) -> subprocess.CompletedProcess:
    """`trueup demo` in a copy of the project, with its default options (those of ./run.sh)
    unless `options`."""
    root.mkdir(parents=True, exist_ok=True)
    project = copy_project(root)
    command = [sys.executable, "-m", "trueup_tools.cli", "demo", "--out", str(project / "data")]
    return subprocess.run(
        [*command, *options],
        env=_environment(clock, root, project),
        cwd=project,
        capture_output=True,
        text=True,
        timeout=1800,  # three builds; under libfaketime and a loaded machine it can take 15 min
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


def _walk_demo(walk: dict) -> tuple[subprocess.CompletedProcess, Path | None]:
    """The README walk's `./run.sh` (its first command) and the copy of its project kept right
    after it (root/project with data/, root/warehouse.duckdb), as a demo run here."""
    step = walk["steps"][0]
    assert step["line"].split("#")[0].strip() == "./run.sh", step["line"]
    result = subprocess.CompletedProcess(
        step["line"], step["returncode"], step["stdout"], step["stderr"]
    )
    return result, Path(walk["demo"]) if walk["demo"] else None


@pytest.fixture(scope="module")
def demos(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> dict:
    root = tmp_path_factory.mktemp("demo")
    runs = {"far_after": (run_demo(FAR_AFTER, root / "far_after"), root / "far_after")}
    # asked for after the 2031 demo: the walk may meanwhile run on the other worker
    runs["real_clock"] = _walk_demo(request.getfixturevalue("readme_walk_demo"))
    for result, _ in runs.values():
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
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
        years = con.execute(
            "select distinct year(recorded_at) from ops.fct_ledger_heads"
        ).fetchall()
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
        "  as_of 2026-10-04 00:00:00 UTC  dbt build",
        "    read the amended rate card TRUEUP_SEED_PATH=data/reference: C-1001 v1 egress_gb "
        "unit_price "
        "0.09 -> 0.099 (booked as contract_change)",
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
    result = run_demo(BEFORE, tmp_path, ("--events", "1500"))  # refused whatever the size
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr[-2000:]
    assert "the wall clock (2026-01-15" in result.stderr
    assert "earlier than the sample's ingestion times" in result.stderr
    assert "Nothing was built" in result.stderr
    assert not (tmp_path / "warehouse.duckdb").exists()


def _ledger(root: Path, where: str = "true") -> list[tuple]:
    con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(
            "select period_start, tenant_id, meter, amount, reason "
            f"from finance.fct_adjustment_ledger where {where} order by entry_id"
        ).fetchall()
    finally:
        con.close()


def _truth_daily_at_last_build() -> list:
    """The usage truth of the demo's sample at its last as_of, computed in Python from the
    generator's records (the same options as the demo: the defaults)."""
    parser = argparse.ArgumentParser()
    generate.add_arguments(parser)
    config = generate.config_from_args(parser.parse_args([]))
    _, out, ctx = generate.build_records(config)
    return truth.compute_usage_truth(
        out.records,
        LAST_AS_OF,
        config.grace_period_hours,
        config.max_clock_skew_minutes,
        config.dedupe_horizon_days,
        meters=ctx.meters,
    ).daily


def _expected_per_key(daily: list, seeds_dir: Path) -> dict[tuple, Decimal]:
    """(period_start, tenant_id, meter) -> expected amount of the closed periods (every
    contract-version segment of the key), as the Python pricing reference computes it."""
    amounts: dict[tuple, Decimal] = {}
    for line in pricing.price_periods(daily, CLOSED, seeds_dir):
        key = (line.period_start, line.tenant_id, line.meter)
        amounts[key] = amounts.get(key, Decimal(0)) + line.expected_amount
    return amounts


@pytest.mark.parametrize("name", ["far_after", "real_clock"])
def test_demo_contract_change_is_the_amended_rate_times_the_true_quantity(
    demos: dict[str, tuple], name: str
) -> None:
    _, root = demos[name]
    reference = root / "project" / "data" / REFERENCE_FOLDER
    # the amendment the demo chose: one rate of a version in force in the closed periods
    schedule = [
        DemoBuild(datetime(2026, 9, 4), "", CLOSED[0]),
        DemoBuild(LAST_AS_OF, "", CLOSED[1]),
    ]
    amendment = demo_rate_amendment(schedule, PROJECT_DIR / "seeds")
    assert amendment is not None
    project_rates = (PROJECT_DIR / "seeds" / "contract_rates.csv").read_text().splitlines()
    amended_rates = (reference / "contract_rates.csv").read_text().splitlines()
    assert len(project_rates) == len(amended_rates)
    changed = [
        i for i, (a, b) in enumerate(zip(project_rates, amended_rates, strict=True)) if a != b
    ]
    assert len(changed) == 1, changed
    assert amended_rates[changed[0]].split(",")[:3] == [
        amendment.contract_id,
        str(amendment.contract_version),
        amendment.meter,
    ]
    daily = _truth_daily_at_last_build()
    before = _expected_per_key(daily, PROJECT_DIR / "seeds")
    after = _expected_per_key(daily, reference)
    moved = {key: after[key] - before[key] for key in after if after[key] != before[key]}
    assert moved, "the amended rate must move some closed-period key"
    assert {(tenant, meter) for _, tenant, meter in moved} == {
        (v.tenant_id, amendment.meter)
        for v in pricing.load_versions(PROJECT_DIR / "seeds")
        if (v.contract_id, v.version) == (amendment.contract_id, amendment.contract_version)
    }
    booked = {
        (p, t, m): amount for p, t, m, amount, _ in _ledger(root, "reason = 'contract_change'")
    }
    assert booked == moved
    # the other seeds were copied unchanged, so nothing else moved
    for other in sorted((PROJECT_DIR / "seeds").iterdir()):
        if other.name != "contract_rates.csv":
            assert (reference / other.name).read_bytes() == other.read_bytes(), other.name
    registered = (root / "project" / "data" / generate.OWNERSHIP_FILE).read_text()
    assert f'"{REFERENCE_FOLDER}/contract_rates.csv"' in registered


def test_a_missing_seed_folder_stops_the_build_and_books_nothing(
    demos: dict[str, tuple], tmp_path: Path
) -> None:
    _, root = demos["real_clock"]
    project = root / "project"
    shutil.copy2(root / "warehouse.duckdb", tmp_path / "warehouse.duckdb")
    ledger = _ledger(tmp_path)
    env = _environment(None, tmp_path, project)
    (project / "partial_seeds").mkdir(exist_ok=True)
    for name in ("contracts.csv", "contract_rates.csv", "_seeds.yml"):
        shutil.copy2(project / "seeds" / name, project / "partial_seeds" / name)
    for folder, message in (
        ("no_such_seeds", "the seed folder TRUEUP_SEED_PATH='no_such_seeds' ("),
        ("partial_seeds", "lacks _acknowledgements__seeds.yml, account_map.csv,"),
        (str(project / "seeds"), "must be a relative path to a folder inside the project"),
    ):
        env["TRUEUP_SEED_PATH"] = folder
        result = subprocess.run(
            [sys.executable, "-m", "trueup_tools.cli", "build", "--as-of", "2026-10-04"],
            env=env,
            cwd=project,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
        assert message in result.stderr, result.stderr
        assert "Nothing was built." in result.stderr
        assert "Traceback" not in result.stderr
        assert _ledger(tmp_path) == ledger


def test_reference_files_are_the_generators_own(tmp_path: Path) -> None:
    """The demo's <out>/reference is in the generator's register: a new `generate` deletes it,
    and a file of someone else's there is never overwritten."""
    out = tmp_path / "data"
    parser = argparse.ArgumentParser()
    generate.add_arguments(parser)
    config = generate.config_from_args(parser.parse_args(["--events", "200"]))
    generate.generate(config, out)
    written = generate.write_owned_files(out, {f"{REFERENCE_FOLDER}/meters.csv": b"meter\n"})
    assert written == [out / REFERENCE_FOLDER / "meters.csv"]
    generate.generate(config, out)  # its own file: deleted, nothing refused
    assert not (out / REFERENCE_FOLDER).exists()
    (out / REFERENCE_FOLDER).mkdir()
    (out / REFERENCE_FOLDER / "meters.csv").write_bytes(b"mine\n")
    with pytest.raises(generate.GeneratorRefused, match=re.escape("reference/meters.csv")):
        generate.write_owned_files(out, {f"{REFERENCE_FOLDER}/meters.csv": b"meter\n"})
    with pytest.raises(generate.GeneratorRefused, match=re.escape("reference/meters.csv")):
        generate.generate(config, out)
    assert (out / REFERENCE_FOLDER / "meters.csv").read_bytes() == b"mine\n"
