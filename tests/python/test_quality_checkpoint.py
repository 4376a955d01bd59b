"""`trueup check`: the Great Expectations checkpoint passes on the sample build, writes Data
Docs that load nothing from the network, catches faults injected into a copy of the warehouse
with a summary naming mart, column and rule, and says so clearly when it cannot run.

The checkpoint runs in this process (GX is imported once); the cheap failure paths run the
real command in a subprocess to show there is no traceback."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import shutil
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from conftest import Dataset, Warehouse
from trueup_tools import quality, quality_history


@dataclass
class Run:
    code: int
    out: str
    err: str
    docs: Path


def copy_of(built: Warehouse, target: Path) -> Path:
    """A copy of the built warehouse that this process may open read-only."""
    built.query("checkpoint")
    shutil.copy(built.path, target)
    return target


def run_check(database: Path, docs: Path, **options) -> Run:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = quality.check(database, docs_dir=docs, **options)
    return Run(code, out.getvalue(), err.getvalue(), docs)


def usage_age_days(database: Path) -> int:
    """Days between the build's as_of and its newest usage_date."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        as_of = con.sql("select max(as_of) from ops.fct_ledger_heads").fetchall()[0][0]
        newest = con.sql("select max(usage_date) from finance.fct_usage_daily").fetchall()[0][0]
    finally:
        con.close()
    return (as_of.date() - newest).days


@pytest.fixture(scope="module")
def clean(built: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_of(built, tmp_path_factory.mktemp("clean") / "w.duckdb")


@pytest.fixture(scope="module")
def passing(clean: Path, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The checkpoint on the untouched sample build, as_of from the build, usage just fresh."""
    docs = tmp_path_factory.mktemp("docs") / "gx"
    return run_check(clean, docs, max_usage_age_days=usage_age_days(clean))


def test_check_after_a_replay_is_at_the_replays_as_of(built: Warehouse, tmp_path: Path) -> None:
    """A replay closes and books nothing (no ops.fct_ledger_heads row) but rebuilds the marts at its
    own as_of, which ops.fct_build_log records: the check defaults to it."""
    replay = Warehouse(copy_of(built, tmp_path / "w.duckdb"), built.landing)
    replay.build("2026-09-20")
    assert replay.query("select max(as_of) from ops.fct_ledger_heads")[0][0] > dt.datetime(
        2026, 10, 1
    )
    # this process ran dbt on the file: a read-only connection would need another configuration
    run = run_check(replay.path, tmp_path / "docs", read_only=False)
    assert "as_of 2026-09-20 00:00:00, of the last build" in run.out, run.out + run.err
    assert run.code == 0, run.out + run.err


def test_sample_build_passes(passing: Run) -> None:
    assert passing.code == 0, passing.out + passing.err
    assert "of the last build" in passing.out
    for mart in quality.MART_KEYS:
        line = next(line for line in passing.out.splitlines() if f"  {mart} " in line)
        assert line.endswith("passed"), line
    assert "failed" not in passing.out.lower()
    assert f"Data Docs: {passing.docs / 'index.html'}" in passing.out
    assert passing.err == ""


class _Resources(HTMLParser):
    """Every URL a page would load (link/script/img/...) and every local hyperlink."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in {"link", "script", "img", "iframe", "source", "embed"}:
            self.loads += [v for k, v in attrs if k in {"src", "href"} and v]
        if tag == "a" and values.get("href") and not values["href"].startswith("#"):
            self.links.append(values["href"])


def test_data_docs_load_nothing_from_the_network(passing: Run) -> None:
    pages = sorted(passing.docs.rglob("*.html"))
    assert len(pages) == 1 + 2 * len(quality.MART_KEYS)  # index, a suite and a result per mart
    for page in pages:
        text = page.read_text(encoding="utf-8")
        parser = _Resources()
        parser.feed(text)
        remote = [url for url in parser.loads if url.startswith(("http:", "https:", "//"))]
        assert not remote, f"{page} loads {remote}"
        for url in parser.loads:  # local resources exist (the logo, the favicon)
            assert (page.parent / url).resolve().exists(), f"{page}: {url}"
        assert "url(http" not in text.replace("'", "").replace('"', "")
    for sheet in passing.docs.rglob("*.css"):
        assert "url(http" not in sheet.read_text().replace("'", "").replace('"', "")


def test_data_docs_index_names_the_results(passing: Run) -> None:
    index = (passing.docs / "index.html").read_text(encoding="utf-8")
    assert quality.CHECKPOINT_NAME in index
    parser = _Resources()
    parser.feed(index)
    for mart in quality.MART_KEYS:
        assert f"finance.{mart}" in index
        result = [link for link in parser.links if link.startswith(f"validations/{mart}/")]
        assert len(result) == 1, (mart, parser.links)
        page = (passing.docs / result[0]).read_text(encoding="utf-8")
        # the validation result is server-rendered: its expectations are in the HTML itself
        first = quality.SUITES[mart](quality.Window(dt.datetime(2026, 11, 4)))[0]
        assert first.description.split(" (")[0] in page
    assert "&#10004; passed" in index


@pytest.fixture(scope="module")
def faulty(built: Warehouse, dataset: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """A copy with one fault per kind, each on a known row, checked at the dataset's as_of."""
    folder = tmp_path_factory.mktemp("faulty")
    database = copy_of(built, folder / "w.duckdb")
    as_of = dt.datetime.fromisoformat(dataset.as_of)
    con = duckdb.connect(str(database))
    try:
        con.execute(
            """
            update finance.fct_trueup_variance set amount_variance = amount_variance + 1
            where (period_start, tenant_id, meter)
                = ('2026-08-01'::date, 'tenant-001', 'storage_gb')
            """
        )
        con.execute(
            """
            update finance.fct_trueup_variance set expected_amount = -expected_amount
            where (period_start, tenant_id, meter)
                = ('2026-09-01'::date, 'tenant-001', 'storage_gb') and expected_amount > 0
            """
        )
        con.execute(
            """
            update finance.fct_variance_at_close set status = 'approved'
            where (period_start, tenant_id, meter)
                = ('2026-08-01'::date, 'tenant-003', 'storage_gb')
            """
        )
        # fct_usage_daily is a view over the daily rollup: the fault goes into the rollup
        con.execute(
            "update intermediate.int_usage_daily_rolled_up set usage_date = ? "
            "where tenant_id = 'tenant-001' and meter = 'storage_gb' and usage_date = "
            "(select min(usage_date) from intermediate.int_usage_daily_rolled_up "
            "where tenant_id = 'tenant-001' and meter = 'storage_gb')",
            [dt.date(2030, 1, 1)],
        )
        con.execute(
            """
            update finance.fct_expected_charges set currency = 'US$'
            where (period_start, tenant_id, meter) = ('2026-08-01', 'tenant-001', 'storage_gb')
            """
        )
        con.execute(
            "update finance.fct_adjustment_ledger set entry_type = case entry_type "
            "when 'rebill' then 'credit_memo' else 'rebill' end where entry_id = 1"
        )
        changed = con.sql(
            """
            select
                (select count(*) from finance.fct_trueup_variance where expected_amount < 0),
                (select count(*) from finance.fct_variance_at_close where status = 'approved'),
                (select count(*) from finance.fct_usage_daily where usage_date > ?::date),
                (select count(*) from finance.fct_expected_charges where currency = 'US$')
            """,
            params=[as_of.date()],
        ).fetchall()[0]
    finally:
        con.close()
    assert all(count >= 1 for count in changed), f"a fault was not injected: {changed}"
    return run_check(database, folder / "docs", as_of=dataset.as_of, max_usage_age_days=None)


def _failure_block(run: Run, mart_columns: str) -> str:
    """The summary's lines about one failed expectation (starting at `  mart.columns`)."""
    lines = run.out.splitlines()
    starts = [i for i, line in enumerate(lines) if line == f"  {mart_columns}"]
    assert starts, f"no failure reported for {mart_columns}:\n{run.out}"
    blocks = []
    for start in starts:
        end = start + 1
        while end < len(lines) and lines[end].startswith("    "):
            end += 1
        blocks.append("\n".join(lines[start:end]))
    return "\n\n".join(blocks)


@pytest.mark.parametrize(
    ("mart_columns", "words", "example"),
    [
        (
            "fct_trueup_variance.amount_variance, recomputed_amount_variance",
            "amount_variance = billed_amount - expected_amount",
            "2026-08-01 tenant-001 storage_gb: amount_variance=",
        ),
        (
            "fct_trueup_variance.expected_amount",
            "expected_amount is not negative",
            "2026-09-01 tenant-001 storage_gb: expected_amount=-",
        ),
        (
            "fct_variance_at_close.status",
            "status is one of no_contract, unpriced_meter",
            "2026-08-01 tenant-003 storage_gb: status=approved",
        ),
        (
            "fct_usage_daily.usage_date",
            "nothing after as_of",
            "2030-01-01 tenant-001 storage_gb: usage_date=2030-01-01",
        ),
        (
            "fct_expected_charges.currency",
            "ISO 4217",
            "2026-08-01 tenant-001 storage_gb C-1001 1: currency=US$",
        ),
        (
            "fct_adjustment_ledger.entry_type, entry_type_from_amount",
            "entry_type agrees with the sign of amount",
            "1: entry_type=",
        ),
    ],
)
def test_injected_fault_is_named(faulty: Run, mart_columns: str, words: str, example: str) -> None:
    assert faulty.code == 1
    block = _failure_block(faulty, mart_columns)
    assert words in block
    assert example in block
    assert "rows break it" in block


def test_fault_run_reports_only_the_tampered_marts(faulty: Run, dataset: Dataset) -> None:
    assert "given by --as-of" in faulty.out
    assert "Traceback" not in faulty.out + faulty.err
    verdicts = {
        mart: next(line for line in faulty.out.splitlines() if line.startswith(f"  {mart} "))
        for mart in quality.MART_KEYS
    }
    assert verdicts["fct_billed_charges"].endswith("passed")
    assert verdicts["fct_post_close_deltas"].endswith("passed")
    for mart in (
        "fct_trueup_variance",
        "fct_variance_at_close",
        "fct_usage_daily",
        "fct_expected_charges",
        "fct_adjustment_ledger",
    ):
        assert verdicts[mart].endswith("FAILED"), verdicts[mart]
    index = (faulty.docs / "index.html").read_text(encoding="utf-8")
    assert "failed" in index and "status is one of no_contract" in index


def test_stale_usage_fails(clean: Path, tmp_path: Path) -> None:
    age = usage_age_days(clean)
    run = run_check(clean, tmp_path / "docs", max_usage_age_days=age - 1)
    assert run.code == 1
    assert "1 expectation(s) failed" in run.out
    block = _failure_block(run, "fct_usage_daily.usage_date")
    assert "usage is fresh" in block and f"at most {age - 1} days before as_of" in block
    assert "observed: " in block


# --------------------------------------------------------------------------- beyond one row:
# volume against history, reconciliation between marts, freshness of the sources


def mutated(built: Warehouse, folder: Path, *statements: str) -> tuple[Path, duckdb.Connection]:
    """A copy of the built warehouse with `statements` run on it, and a connection to read
    what they did (the caller closes it before the check)."""
    database = copy_of(built, folder / "w.duckdb")
    con = duckdb.connect(str(database))
    for statement in statements:
        con.execute(statement)
    return database, con


def verdicts(run: Run) -> dict[str, str]:
    return {
        mart: next(line for line in run.out.splitlines() if line.startswith(f"  {mart} "))
        for mart in quality.MART_KEYS
    }


def test_a_tenant_meter_day_times_50_is_named(
    built: Warehouse, dataset: Dataset, tmp_path: Path
) -> None:
    """A producer replays one tenant x meter's day 50 times over (new event ids, so no
    duplicates): its record count is far beyond its history."""
    pick = (
        "select (tenant_id, meter, usage_date) from intermediate.int_usage_daily_rolled_up "
        "where usage_date >= (select min(usage_date) + 14 "
        "from intermediate.int_usage_daily_rolled_up) order by usage_date, tenant_id, meter limit 1"
    )
    database, con = mutated(
        built,
        tmp_path,
        "update intermediate.int_usage_daily_rolled_up "
        "set event_count = event_count * 50, quantity = quantity * 50 "
        f"where (tenant_id, meter, usage_date) = ({pick})",
    )
    try:
        tenant, meter, day, count = con.sql(
            "select tenant_id, meter, usage_date, event_count "
            "from intermediate.int_usage_daily_rolled_up "
            "where event_count = (select max(event_count) "
            "from intermediate.int_usage_daily_rolled_up)"
        ).fetchall()[0]
    finally:
        con.close()
    run = run_check(database, tmp_path / "docs", as_of=dataset.as_of, max_usage_age_days=None)
    assert run.code == 1, run.out + run.err
    block = _failure_block(run, "fct_usage_daily.event_count_high, event_count")
    assert "volume against history" in block
    assert f"{day.isoformat()} {tenant} {meter}: event_count_high=" in block
    assert f"event_count={count}" in block
    others = {mart: line for mart, line in verdicts(run).items() if mart != "fct_usage_daily"}
    assert all(line.endswith("passed") for line in others.values()), others


def test_a_missing_day_is_named(built: Warehouse, dataset: Dataset, tmp_path: Path) -> None:
    """Every record of one day in the middle of the history is gone: the next day reports
    the gap."""
    days = "select distinct usage_date from intermediate.int_usage_daily_rolled_up"
    middle = f"select usage_date from ({days}) order by usage_date limit 1 offset 20"
    database, con = mutated(
        built,
        tmp_path,
        f"create table gone as {middle}",
        "delete from intermediate.int_usage_daily_rolled_up "
        "where usage_date = (select usage_date from gone)",
    )
    try:
        gone = con.sql("select usage_date from gone").fetchall()[0][0]
        left = con.sql(
            "select count(*) from intermediate.int_usage_daily_rolled_up where usage_date = ?",
            params=[gone],
        ).fetchall()[0][0]
    finally:
        con.close()
    assert left == 0
    run = run_check(database, tmp_path / "docs", as_of=dataset.as_of, max_usage_age_days=None)
    assert run.code == 1, run.out + run.err
    block = _failure_block(run, "fct_usage_daily.days_since_previous_usage_day")
    assert "no day without usage" in block
    after = (gone + dt.timedelta(days=1)).isoformat()
    assert "1 of " in block and f"      {after} " in block, block
    assert "days_since_previous_usage_day=2" in block


def test_a_quarantine_spike_is_named(built: Warehouse, dataset: Dataset, tmp_path: Path) -> None:
    """A producer changes its schema for one day: every record of the day is quarantined
    (unsupported_schema), far above the trailing days' rate."""
    days = "select distinct usage_date from intermediate.int_usage_daily_rolled_up"
    usable = (
        "select source_file, line_number from intermediate.int_usage_records_classified "
        "where usage_date = (select usage_date from spiked) and quarantine_reason is null"
    )
    database, con = mutated(
        built,
        tmp_path,
        f"create table spiked as select usage_date from ({days}) order by 1 limit 1 offset 20",
        "update staging.stg_usage__records set is_supported_schema = false "
        f"where (source_file, line_number) in ({usable})",
    )
    try:
        day, landed, quarantined = con.sql(
            "select usage_date, count(*), count(quarantine_reason) "
            "from intermediate.int_usage_records_classified "
            "where usage_date = (select usage_date from spiked) group by usage_date"
        ).fetchall()[0]
    finally:
        con.close()
    assert landed == quarantined > 0
    run = run_check(database, tmp_path / "docs", as_of=dataset.as_of, max_usage_age_days=None)
    assert run.code == 1, run.out + run.err
    block = _failure_block(run, "fct_usage_daily.day_quarantine_pct_high, day_quarantine_pct")
    assert "quarantine rate" in block
    assert f"      {day.isoformat()} " in block and "day_quarantine_pct=100" in block


def test_stale_ingestion_and_export_are_named(clean: Path, tmp_path: Path) -> None:
    """Checked 36 days after the build's as_of (no new data since): the newest ingestion
    and the newest export are older than the default thresholds allow."""
    defaults = quality_history.Thresholds()
    hours, days = defaults.max_ingest_age_hours, defaults.max_export_age_days
    assert hours is not None and days is not None
    con = duckdb.connect(str(clean), read_only=True)
    try:
        as_of = quality.recorded_as_of(con)
        ingested = con.sql(
            "select max(ingested_at) from intermediate.int_usage_records_classified "
            "where quarantine_reason is null"
        ).fetchall()[0][0]
        exported = con.sql(
            "select max(export_date) from intermediate.int_billing_lines_mapped "
            "where tenant_id is not null"
        ).fetchall()[0][0]
    finally:
        con.close()
    later = as_of + dt.timedelta(days=36)
    assert ingested < later - dt.timedelta(hours=hours)
    assert exported < later.date() - dt.timedelta(days=days)
    run = run_check(
        clean, tmp_path / "docs", as_of=later.isoformat(sep=" "), max_usage_age_days=None
    )
    assert run.code == 1, run.out + run.err
    ingestion = _failure_block(run, "fct_usage_daily.last_ingested_at")
    assert "ingestion is fresh" in ingestion and f"at most {hours} hours before as_of" in ingestion
    assert f"observed: {quality._show(ingested)}" in ingestion
    export = _failure_block(run, "fct_billed_charges.last_export_date")
    assert "billing is fresh" in export and f"at most {days} days before as_of" in export
    assert f"observed: {exported.isoformat()}" in export
    # the same as_of with the thresholds turned off: neither is checked
    relaxed = quality_history.with_settings(
        [("max_ingest_age_hours", None), ("max_export_age_days", None)]
    )
    quiet = run_check(
        clean,
        tmp_path / "docs-relaxed",
        as_of=later.isoformat(sep=" "),
        max_usage_age_days=None,
        thresholds=relaxed,
    )
    assert "last_ingested_at" not in quiet.out and "last_export_date" not in quiet.out


def test_cross_mart_breaks_are_named(built: Warehouse, dataset: Dataset, tmp_path: Path) -> None:
    """fct_usage_daily loses a row of the rollup and misstates another's quantity, one billed
    amount differs from the variance's, and one ledger balance is not its entries' sum."""
    rollup = "intermediate.int_usage_daily_rolled_up"
    first = f"(select (tenant_id, meter, usage_date) from {rollup} order by all limit 1)"
    second = f"(select (tenant_id, meter, usage_date) from {rollup} order by all limit 1 offset 1)"
    billed = (
        "(select (period_start, tenant_id, meter) from finance.fct_billed_charges "
        "order by all limit 1)"
    )
    database, con = mutated(
        built,
        tmp_path,
        "alter view finance.fct_usage_daily rename to fct_usage_daily_built",
        "create view finance.fct_usage_daily as select * replace ("
        f"case when (tenant_id, meter, usage_date) = {second} "
        "then cast(quantity + 1 as decimal(38, 9)) else quantity end as quantity) "
        f"from finance.fct_usage_daily_built where (tenant_id, meter, usage_date) <> {first}",
        "update finance.fct_billed_charges set billed_amount = billed_amount + 1 "
        f"where (period_start, tenant_id, meter) = {billed}",
        "update finance.fct_adjustment_ledger set outstanding_after = outstanding_after + 1 "
        "where entry_id = (select max(entry_id) from finance.fct_adjustment_ledger)",
    )
    try:
        keys = con.sql(f"select {second}, {billed}").fetchall()[0]
        entry = con.sql("select max(entry_id) from finance.fct_adjustment_ledger").fetchall()[0][0]
    finally:
        con.close()
    assert entry is not None, "the sample build books ledger entries"
    (tenant, meter, day), (period, billed_tenant, billed_meter) = keys
    run = run_check(database, tmp_path / "docs", as_of=dataset.as_of, max_usage_age_days=None)
    assert run.code == 1, run.out + run.err
    quantity = _failure_block(run, "fct_usage_daily.quantity, rollup_quantity")
    assert f"{day.isoformat()} {tenant} {meter}: quantity=" in quantity
    assert "rollup_rows_missing_here=1" in _failure_block(
        run, "fct_usage_daily.rollup_rows_missing_here"
    )
    key = f"{period.isoformat()} {billed_tenant} {billed_meter}: billed_amount="
    assert key in _failure_block(run, "fct_trueup_variance.billed_amount, billed_charges_amount")
    assert key in _failure_block(run, "fct_billed_charges.billed_amount, variance_billed_amount")
    ledger = _failure_block(run, "fct_adjustment_ledger.outstanding_after, entries_balance")
    assert f"      {entry}: outstanding_after=" in ledger and "the ledger's balance" in ledger


@pytest.mark.parametrize(
    ("text", "name", "value"),
    [
        ("key_volume_factor=2.5", "key_volume_factor", Decimal("2.5")),
        ("history-days=14", "history_days", 14),
        ("max_ingest_age_hours=off", "max_ingest_age_hours", None),
    ],
)
def test_threshold_settings_parse(text: str, name: str, value: object) -> None:
    assert quality_history.parse_threshold(text) == (name, value)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("nope=1", "NAME one of history_days"),
        ("history_days=off", "history_days cannot be off"),
        ("key_volume_factor=lots", "key_volume_factor must be a decimal"),
        ("key_volume_floor=-1", "must be 0 or more"),
        ("day_volume_factor=0", "day_volume_factor must be more than 0"),
        ("rate_rise_points=nan", "rate_rise_points must be a decimal"),
    ],
)
def test_bad_threshold_says_why(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        quality_history.parse_threshold(text)


def test_every_threshold_is_documented() -> None:
    fields = [field.name for field in dataclasses.fields(quality_history.Thresholds)]
    assert list(quality_history.THRESHOLD_HELP) == fields


def test_bad_threshold_on_the_command_line_exits_2(clean: Path) -> None:
    result = trueup("check", "--warehouse", str(clean), "--threshold", "history_days=soon")
    assert result.returncode == 2
    assert "history_days must be a whole number" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def trueup(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "trueup_tools.cli", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_while_a_build_writes_says_so(built: Warehouse, tmp_path: Path) -> None:
    busy = copy_of(built, tmp_path / "busy.duckdb")
    writer = duckdb.connect(str(busy))  # holds the file like a running build
    try:
        result = trueup("check", "--warehouse", str(busy), "--docs-dir", str(tmp_path / "d"))
    finally:
        writer.close()
    assert result.returncode == 2
    assert "is being written by another process" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_bad_input_exits_2_without_traceback(clean: Path, tmp_path: Path) -> None:
    bad_as_of = trueup("check", "--warehouse", str(clean), "--as-of", "yesterday")
    assert bad_as_of.returncode == 2
    assert "Invalid --as-of 'yesterday'" in bad_as_of.stderr
    missing = trueup("check", "--warehouse", str(tmp_path / "nothing.duckdb"))
    assert missing.returncode == 2
    assert "No warehouse at" in missing.stderr
    foreign = tmp_path / "someone-elses"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    refused = trueup("check", "--warehouse", str(clean), "--docs-dir", str(foreign))
    assert refused.returncode == 2
    assert "was not written by `trueup check`" in refused.stderr
    assert (foreign / "notes.txt").read_text() == "keep me"
    for result in (bad_as_of, missing, refused):
        assert "Traceback" not in result.stderr + result.stdout


def test_cli_does_not_import_great_expectations() -> None:
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, trueup_tools.cli; "
            "print(sorted({'great_expectations', 'pandas'} & set(sys.modules)))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("amount", "discount", "expected"),
    [
        ("0.125", "0", "0.13"),
        ("-0.125", "0", "-0.13"),
        ("100", "12.5", "87.50"),
        ("0.015", "50", "0.01"),
        ("1.005", "0", "1.01"),
    ],
)
def test_discount_rounds_half_away_from_zero(amount: str, discount: str, expected: str) -> None:
    assert quality.discounted(Decimal(amount), Decimal(discount)) == Decimal(expected)


def test_percentage_is_exact_and_empty_for_zero() -> None:
    assert quality.percentage(Decimal("1"), Decimal("8")) == Decimal("12.5")
    assert quality.percentage(Decimal("-1"), Decimal("3")) == Decimal("-33.3333")
    assert quality.percentage(Decimal("2"), Decimal("30000000")) == Decimal("0.0000")
    assert quality.percentage(Decimal("1"), Decimal("0")) is None
