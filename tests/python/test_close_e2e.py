"""Period close, post-close deltas and the adjustment ledger over scheduled builds of the
generated data (late events, duplicates, a mid-month contract change, a billing correction
issued after close): closes happen exactly at the watermark, frozen rows and the ledger
survive reruns, replays and --full-refresh, late data after close is booked with the right
reason and amount, and a tampered ledger fails the integrity check naming the entry."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import Dataset, Warehouse
from trueup_tools import profiles_dir

AUGUST = date(2026, 8, 1)
AUGUST_WATERMARK = datetime(2026, 9, 4)  # period end + 72 h grace


def snapshot(warehouse: Warehouse) -> dict[str, list[tuple]]:
    return {
        table: warehouse.query(f"select * from {table} order by all")
        for table in (
            "finance.fct_variance_at_close",
            "finance.fct_period_closes",
            "finance.fct_adjustment_ledger",
        )
    }


@pytest.fixture(scope="module")
def scheduled(dataset: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """Daily-ish scheduled builds from before August's watermark to the data set's end."""
    warehouse = Warehouse(tmp_path_factory.mktemp("close") / "w.duckdb", dataset.landing)
    warehouse.build(str(AUGUST_WATERMARK - timedelta(seconds=1)))
    warehouse.aug_before = warehouse.query(  # type: ignore[attr-defined]
        "select count(*) from finance.fct_period_closes where period_start = ?", [AUGUST]
    )[0][0]
    warehouse.build(str(AUGUST_WATERMARK))
    warehouse.after_august = snapshot(warehouse)  # type: ignore[attr-defined]
    final = datetime.fromisoformat(dataset.as_of)
    moment = AUGUST_WATERMARK + timedelta(days=10)
    while moment < final:
        warehouse.build(str(moment))
        moment += timedelta(days=15)
    warehouse.build(dataset.as_of)
    return warehouse


def test_period_closes_exactly_at_its_watermark(scheduled: Warehouse) -> None:
    assert scheduled.aug_before == 0  # type: ignore[attr-defined]
    closes = scheduled.query(
        "select distinct watermark_at, closed_at from finance.fct_period_closes "
        "where period_start = ?",
        [AUGUST],
    )
    assert closes == [(AUGUST_WATERMARK, AUGUST_WATERMARK)]


def test_frozen_rows_never_change(scheduled: Warehouse) -> None:
    before = scheduled.after_august  # type: ignore[attr-defined]
    now = snapshot(scheduled)
    august_now = [r for r in now["finance.fct_variance_at_close"] if r[0] == AUGUST]
    assert august_now == before["finance.fct_variance_at_close"]
    assert (
        now["finance.fct_adjustment_ledger"][: len(before["finance.fct_adjustment_ledger"])]
        == (before["finance.fct_adjustment_ledger"])
    )


def test_rerun_replay_and_full_refresh_keep_closes_and_ledger(
    scheduled: Warehouse, dataset: Dataset
) -> None:
    before = snapshot(scheduled)
    scheduled.build(dataset.as_of)
    assert snapshot(scheduled) == before, "a rerun with nothing new appends nothing"
    scheduled.build("2026-08-20")
    assert snapshot(scheduled) == before, "a replay closes and books nothing"
    scheduled.build(dataset.as_of, extra=["--full-refresh"])
    assert snapshot(scheduled) == before, "--full-refresh keeps closes and the ledger"


def test_late_data_after_close_is_booked_with_reasons(scheduled: Warehouse) -> None:
    reasons = {
        reason
        for (reason,) in scheduled.query(
            "select distinct reason from finance.fct_adjustment_ledger"
        )
    }
    assert {"variance_at_close", "late_usage", "billing_correction"} <= reasons
    deltas = scheduled.query(
        "select count(*) from finance.fct_post_close_deltas where delta_status = 'modified'"
    )
    assert deltas[0][0] > 0
    # every entry after the first of its key is the move of (expected - billed) since then
    rows = scheduled.query(
        "select period_start, tenant_id, meter, entry_id, amount, outstanding_after "
        "from finance.fct_adjustment_ledger order by entry_id"
    )
    booked: dict[tuple, Decimal] = {}
    for period, tenant, meter, _, amount, outstanding_after in rows:
        key = (period, tenant, meter)
        booked[key] = booked.get(key, Decimal(0)) + amount
        assert booked[key] == outstanding_after


def test_ledger_matches_billing_truth_within_tolerance(
    scheduled: Warehouse, dataset: Dataset
) -> None:
    closed = {
        p for (p,) in scheduled.query("select distinct period_start from finance.fct_period_closes")
    }
    booked = {
        (p, t, m): amount
        for p, t, m, amount in scheduled.query(
            "select period_start, tenant_id, meter, sum(amount) "
            "from finance.fct_adjustment_ledger group by all"
        )
    }
    with (dataset.truth / "billing_variance.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            period = date.fromisoformat(row["period_start"])
            if period not in closed or row["status"] in (
                "no_contract",
                "unpriced_meter",
                "currency_mismatch",
            ):
                continue
            outstanding = Decimal(row["expected_amount"]) - Decimal(row["billed_amount"])
            key = (period, row["tenant_id"], row["meter"])
            assert abs(outstanding - booked.get(key, Decimal(0))) <= Decimal(row["tolerance"]), key


def test_chain_is_sha256_over_previous_hash_and_fields(scheduled: Warehouse) -> None:
    rows = scheduled.query(
        "select entry_id, period_start, tenant_id, meter, amount, currency, entry_type, "
        "approval, reason, booked_at, invocation_id, previous_entry_hash, entry_hash "
        "from finance.fct_adjustment_ledger order by entry_id"
    )
    previous = "0" * 64
    for row in rows:
        *fields, previous_hash, entry_hash = row
        entry_id, period, tenant, meter, amount, currency, kind, approval, reason, at, inv = fields
        text = "\x1f".join(
            [
                str(entry_id),
                period.isoformat(),
                tenant,
                meter,
                f"{amount:.9f}",
                currency or "",
                kind,
                approval,
                reason,
                at.strftime("%Y-%m-%dT%H:%M:%S.%f"),
                inv,
            ]
        )
        assert previous_hash == previous
        assert entry_hash == hashlib.sha256((previous + text).encode()).hexdigest()
        previous = entry_hash


def _tampered_copy(scheduled: Warehouse, tmp_path: Path, statement: str) -> Warehouse:
    copy = Warehouse(tmp_path / "copy.duckdb", scheduled.landing)
    scheduled.query("checkpoint")  # everything in the file, nothing left in the WAL
    shutil.copy(scheduled.path, copy.path)
    con = duckdb.connect(str(copy.path))
    con.execute(statement)
    con.close()
    return copy


def test_edited_ledger_entry_fails_the_integrity_check(
    scheduled: Warehouse, tmp_path: Path
) -> None:
    copy = _tampered_copy(
        scheduled,
        tmp_path,
        "update finance.fct_adjustment_ledger set amount = amount + 1 where entry_id = 2",
    )
    result = copy.dbt("test", extra=["--select", "assert_ledger_chain_intact"])
    assert not result.success
    assert "first bad entry 2: entry_hash does not match its fields" in " ".join(result.failures())


def test_lost_newest_entry_fails_the_heads_check(scheduled: Warehouse, tmp_path: Path) -> None:
    copy = _tampered_copy(
        scheduled,
        tmp_path,
        "delete from finance.fct_adjustment_ledger "
        "where entry_id = (select max(entry_id) from finance.fct_adjustment_ledger)",
    )
    assert copy.dbt("test", extra=["--select", "assert_ledger_chain_intact"]).success
    assert not copy.dbt("test", extra=["--select", "assert_ledger_heads_match_ledger"]).success


def test_slis_match_the_generated_counts(scheduled: Warehouse, dataset: Dataset) -> None:
    accepted: dict[date, int] = {}
    removed: dict[date, int] = {}
    with (dataset.truth / "usage_daily.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            month = date.fromisoformat(row["usage_date"]).replace(day=1)
            accepted[month] = accepted.get(month, 0) + int(row["event_count"])
            removed[month] = removed.get(month, 0) + int(row["duplicate_count"])
    rows = scheduled.query(
        "select period_start, duplicate_event_rate_pct, ledger_integrity_errors, "
        "reconciliation_latency_hours from ops.fct_trueup_sli"
    )
    for period, duplicate_pct, integrity_errors, _ in rows:
        assert integrity_errors == 0
        if period in accepted:
            share = Decimal(removed[period] * 100) / Decimal(accepted[period] + removed[period])
            assert duplicate_pct == share.quantize(Decimal("0.0001")), period
    august = next(r for r in rows if r[0] == AUGUST)
    assert august[3] == Decimal(72)  # closed exactly at the watermark: 72 h after period end


def test_rate_change_after_close_is_booked_as_contract_change(
    dataset: Dataset, tmp_path: Path
) -> None:
    from dbt.cli.main import dbtRunner

    from test_contract_seeds import copy_project

    (tmp_path / "project").mkdir()
    project = copy_project(tmp_path / "project")
    database = tmp_path / "w.duckdb"

    def build(as_of: str) -> None:
        result = dbtRunner().invoke(
            [
                "build",
                "--project-dir",
                str(project),
                "--profiles-dir",
                str(profiles_dir(project)),
                "--vars",
                f'{{"landing_path": "{dataset.landing}", "as_of": "{as_of}"}}',
            ]
        )
        assert result.success, [str(n.message) for n in result.result.results if n.message]

    os.environ["TRUEUP_DUCKDB_PATH"] = str(database)
    try:
        build(dataset.as_of)
        rates = project / "seeds" / "contract_rates.csv"
        text = rates.read_text()
        changed = text.replace(
            "C-1001,1,egress_gb,per_unit,1,,0.09,,,", "C-1001,1,egress_gb,per_unit,1,,0.095,,,"
        )
        assert changed != text
        rates.write_text(changed)
        build(dataset.as_of)
    finally:
        os.environ.pop("TRUEUP_DUCKDB_PATH", None)
    con = duckdb.connect(str(database))
    rows = con.execute(
        "select distinct tenant_id, meter from finance.fct_adjustment_ledger "
        "where reason = 'contract_change'"
    ).fetchall()
    con.close()
    assert rows == [("tenant-001", "egress_gb")]
