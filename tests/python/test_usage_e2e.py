"""End to end: generated landing files -> dbt build on DuckDB -> marts equal the ground truth
the generator computed independently, in Decimal, with every injected fault accounted for."""

from __future__ import annotations

import csv
import shutil
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from conftest import Dataset, Warehouse, make_dataset
from trueup_tools.sample import build_records
from trueup_tools.sample.usage_truth import compute_usage_truth

DAILY_COLUMNS = (
    "tenant_id, meter, usage_date, quantity, event_count, duplicate_count, "
    "late_event_count, clock_skew_corrected_count"
)


def daily_from_warehouse(warehouse: Warehouse) -> list[tuple]:
    """fct_usage_daily as tuples with Decimal quantities and ISO dates."""
    rows = warehouse.query(f"select {DAILY_COLUMNS} from finance.fct_usage_daily order by 1, 2, 3")
    return [(t, m, d.isoformat(), q, e, du, la, sk) for t, m, d, q, e, du, la, sk in rows]


def daily_from_truth_rows(rows) -> list[tuple]:
    """DailyRow objects as the same tuples."""
    return sorted(
        (
            r.tenant_id,
            r.meter,
            r.usage_date.isoformat(),
            r.quantity,
            r.event_count,
            r.duplicate_count,
            r.late_event_count,
            r.clock_skew_corrected_count,
        )
        for r in rows
    )


def daily_from_truth_csv(dataset: Dataset) -> list[tuple]:
    """The generator's usage_daily.csv as the same tuples."""
    with (dataset.truth / "usage_daily.csv").open() as handle:
        return sorted(
            (
                row["tenant_id"],
                row["meter"],
                row["usage_date"],
                Decimal(row["quantity"]),
                int(row["event_count"]),
                int(row["duplicate_count"]),
                int(row["late_event_count"]),
                int(row["clock_skew_corrected_count"]),
            )
            for row in csv.DictReader(handle)
        )


def outputs(warehouse: Warehouse) -> dict[str, list[tuple]]:
    """Every user-facing usage relation, without bookkeeping columns, sorted."""
    return {
        "daily": daily_from_warehouse(warehouse),
        "quarantine": warehouse.query(
            "select source_file, line_number, reason, raw_record, ingested_at "
            "from ops.fct_usage_quarantine order by 1, 2"
        ),
        "duplicates": warehouse.query(
            "select source_file, line_number, producer, event_id, winner_source_file, "
            "winner_line_number, is_conflicting from ops.fct_usage_duplicates order by 1, 2"
        ),
    }


def table_snapshot(warehouse: Warehouse) -> dict[str, list[tuple]]:
    """Full contents of every stateful usage table, bookkeeping columns included."""
    tables = [
        "staging.stg_usage__records",
        "intermediate.int_usage_files_loaded",
        "intermediate.int_usage_duplicates_identified",
        "intermediate.int_usage_daily_rolled_up",
        "ops.fct_usage_quarantine",
        "finance.fct_usage_daily",
    ]
    return {t: warehouse.query(f"select * from {t} order by all") for t in tables}


def test_fct_usage_daily_equals_ground_truth(built: Warehouse, dataset: Dataset) -> None:
    expected = daily_from_truth_csv(dataset)
    assert len(expected) > 100
    assert daily_from_warehouse(built) == expected


def test_quarantine_matches_injected_faults(built: Warehouse, dataset: Dataset) -> None:
    faults = dataset.faults()
    by_reason = dict(
        built.query("select reason, count(*) from ops.fct_usage_quarantine group by 1")
    )
    expected = {reason: n for reason, n in faults["quarantined_by_reason"].items() if n}
    assert len(expected) == 9, "the default data set injects every quarantine reason"
    assert by_reason == expected
    with (dataset.truth / "usage_quarantine.csv").open() as handle:
        truth_rows = sorted(
            (row["source_file"], int(row["line_number"]), row["reason"])
            for row in csv.DictReader(handle)
        )
    rows = built.query("select source_file, line_number, reason from ops.fct_usage_quarantine")
    assert sorted(rows) == truth_rows


def test_duplicates_match_injected_faults(built: Warehouse, dataset: Dataset) -> None:
    faults = dataset.faults()
    with (dataset.truth / "usage_duplicates.csv").open() as handle:
        truth_rows = sorted(
            (
                row["source_file"],
                int(row["line_number"]),
                row["winner_source_file"],
                int(row["winner_line_number"]),
                row["is_conflicting"].lower() == "true",
            )
            for row in csv.DictReader(handle)
        )
    rows = built.query(
        "select source_file, line_number, winner_source_file, winner_line_number, "
        "is_conflicting from ops.fct_usage_duplicates"
    )
    assert sorted(rows) == truth_rows
    assert len(rows) == faults["removed_duplicates"]
    conflicting = sum(1 for row in rows if row[4])
    assert conflicting == faults["conflicting_duplicates"] > 0


def test_conservation_per_file_matches_truth(built: Warehouse, dataset: Dataset) -> None:
    per_file = dataset.faults()["per_file"]
    staged = dict(
        built.query("select source_file, count(*) from staging.stg_usage__records group by 1")
    )
    accepted = dict(
        built.query(
            "select source_file, count(*) from intermediate.int_usage_records_classified as r "
            "where quarantine_reason is null and not exists (select 1 from "
            "intermediate.int_usage_duplicates_identified as d where d.source_file = "
            "r.source_file and d.line_number = r.line_number) group by 1"
        )
    )
    duplicates = dict(
        built.query("select source_file, count(*) from ops.fct_usage_duplicates group by 1")
    )
    quarantined = dict(
        built.query("select source_file, count(*) from ops.fct_usage_quarantine group by 1")
    )
    for source_file, counts in per_file.items():
        assert staged.get(source_file, 0) == counts["raw_records"], source_file
        assert accepted.get(source_file, 0) == counts["accepted"], source_file
        assert duplicates.get(source_file, 0) == counts["duplicates"], source_file
        assert quarantined.get(source_file, 0) == counts["quarantined"], source_file
    assert set(staged) == set(per_file)


def test_rerun_changes_nothing(built: Warehouse, dataset: Dataset) -> None:
    before = table_snapshot(built)
    built.build(dataset.as_of)
    assert table_snapshot(built) == before


def test_full_refresh_gives_the_same_result(built: Warehouse, dataset: Dataset) -> None:
    before = outputs(built)
    built.build(dataset.as_of, extra=["--full-refresh"])
    assert outputs(built) == before


def test_day_by_day_equals_one_build(
    built: Warehouse, dataset: Dataset, fresh_warehouse: Warehouse
) -> None:
    start = datetime.fromisoformat(dataset.config.start_date.isoformat())
    final = datetime.fromisoformat(dataset.as_of)
    steps = []
    moment = start + timedelta(days=1, hours=7, minutes=13)
    while moment < final:
        steps.append(moment)
        moment += timedelta(days=9, hours=5)
    assert len(steps) >= 6
    for step in steps:
        # every build also runs the data tests: conservation and rollup drift at each step
        fresh_warehouse.build(step.isoformat(sep=" "))
    fresh_warehouse.build(dataset.as_of)
    assert outputs(fresh_warehouse) == outputs(built)


def test_replay_reproduces_what_was_known_then(
    dataset: Dataset, fresh_warehouse: Warehouse
) -> None:
    fresh_warehouse.build(dataset.as_of)
    earlier = datetime.fromisoformat(dataset.as_of) - timedelta(days=40)
    fresh_warehouse.build(earlier.isoformat(sep=" "))
    _, out, _ = build_records(dataset.config)
    truth = compute_usage_truth(out.records, earlier)
    assert daily_from_warehouse(fresh_warehouse) == daily_from_truth_rows(truth.daily)
    quarantined = fresh_warehouse.query("select count(*) from ops.fct_usage_quarantine")[0][0]
    assert quarantined == len(truth.quarantine)
    # and forward again: the same as one build at the final as_of
    fresh_warehouse.build(dataset.as_of)
    assert daily_from_warehouse(fresh_warehouse) == daily_from_truth_csv(dataset)


def test_lost_watermark_rebuilds_the_duplicates(
    built: Warehouse, dataset: Dataset, fresh_warehouse: Warehouse
) -> None:
    # the removed copies are kept by the batch the rollup's watermark defines: without the
    # rollup there is no watermark, and the duplicates must be recomputed, not appended again
    earlier = datetime.fromisoformat(dataset.as_of) - timedelta(days=20)
    fresh_warehouse.build(earlier.isoformat(sep=" "))
    removed_before = fresh_warehouse.query(
        "select count(*) from intermediate.int_usage_duplicates_identified"
    )[0][0]
    assert removed_before > 0
    fresh_warehouse.query("drop view finance.fct_usage_daily")
    fresh_warehouse.query("drop table intermediate.int_usage_daily_rolled_up")
    fresh_warehouse.build(dataset.as_of)
    assert outputs(fresh_warehouse) == outputs(built)


def test_out_of_order_file_is_absorbed(dataset: Dataset, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    shutil.copytree(dataset.landing, landing)
    files = sorted((landing / "usage").rglob("*.jsonl"))
    held_back = files[len(files) // 3]
    parked = tmp_path / held_back.name
    held_back.rename(parked)
    warehouse = Warehouse(tmp_path / "w.duckdb", landing)
    warehouse.build(dataset.as_of)
    parked.rename(held_back)  # lands late, holding records ingested long before as_of
    warehouse.build(dataset.as_of)
    assert daily_from_warehouse(warehouse) == daily_from_truth_csv(dataset)


def test_files_missing_from_the_register_are_not_read_again(
    dataset: Dataset, tmp_path: Path
) -> None:
    # a build that stopped after staging, before int_usage_files_loaded registered its files:
    # the next build must find those files in staging's later loads, not read them again
    landing = tmp_path / "landing"
    shutil.copytree(dataset.landing, landing)
    files = sorted((landing / "usage").rglob("*.jsonl"))
    held_back = {path: tmp_path / f"parked-{i}.jsonl" for i, path in enumerate(files[::2])}
    for path, parked in held_back.items():
        path.rename(parked)
    warehouse = Warehouse(tmp_path / "w.duckdb", landing)
    warehouse.build(dataset.as_of)
    for path, parked in held_back.items():
        parked.rename(path)
    warehouse.build(dataset.as_of)
    staged = warehouse.query("select count(*) from staging.stg_usage__records")
    unregistered = warehouse.query(
        "delete from intermediate.int_usage_files_loaded where loaded_at = "
        "(select max(loaded_at) from intermediate.int_usage_files_loaded) returning source_file"
    )
    assert len(unregistered) == len(held_back)
    warehouse.build(dataset.as_of)  # its tests include the register against staging
    assert warehouse.query("select count(*) from staging.stg_usage__records") == staged
    registered = warehouse.query("select count(*) from intermediate.int_usage_files_loaded")
    assert registered == warehouse.query(
        "select count(distinct source_file) from staging.stg_usage__records"
    )
    assert daily_from_warehouse(warehouse) == daily_from_truth_csv(dataset)


def test_malformed_var_stops_before_any_model(fresh_warehouse: Warehouse) -> None:
    result = fresh_warehouse.dbt("build", as_of="yesterday")
    assert not result.success
    assert "Invalid var as_of='yesterday'" in str(result.exception)
    assert "expected a date (YYYY-MM-DD)" in str(result.exception)
    assert not any(
        name.startswith(("finance.", "ops.", "staging.", "intermediate."))
        for name in fresh_warehouse.relations()
    )
    result = fresh_warehouse.dbt("build", grace_period_hours=-1)
    assert not result.success
    assert "Invalid var grace_period_hours='-1': expected a whole number >= 0" in str(
        result.exception
    )
    result = fresh_warehouse.dbt("build", as_of="2026-02-30")
    assert "not a real calendar date" in str(result.exception)
    result = fresh_warehouse.dbt("build", usage_check_window_days=0)
    assert not result.success
    assert "Invalid var usage_check_window_days='0': expected a whole number >= 1, or null" in str(
        result.exception
    )


def test_empty_landing_root_gives_zero_rows_and_a_missing_one_stops(tmp_path: Path) -> None:
    missing = Warehouse(tmp_path / "missing.duckdb", tmp_path / "no-such-folder")
    result = missing.dbt("build", as_of="2026-10-01")
    assert not result.success
    assert f"Landing root {tmp_path / 'no-such-folder'} does not exist" in str(result.exception)
    (tmp_path / "empty").mkdir()
    warehouse = Warehouse(tmp_path / "w.duckdb", tmp_path / "empty")
    warehouse.build("2026-10-01")
    assert warehouse.query("select count(*) from finance.fct_usage_daily") == [(0,)]
    assert warehouse.query("select count(*) from ops.fct_usage_quarantine") == [(0,)]


def test_unreadable_file_is_an_error_naming_it(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    (landing / "usage" / "day").mkdir(parents=True)
    good = '{"event_id":"e1","producer":"p","tenant_id":"t","meter":"api_requests",'
    good += '"event_ts":"2026-09-01T00:00:00Z","ingested_at":"2026-09-01T00:00:00Z"}\n'
    (landing / "usage" / "day" / "good.jsonl").write_text(good)
    bad = landing / "usage" / "day" / "broken.parquet"
    bad.write_bytes(b"PAR1 this is not a parquet file")
    warehouse = Warehouse(tmp_path / "w.duckdb", landing)
    result = warehouse.dbt("build", as_of="2026-10-01")
    assert not result.success
    assert "broken.parquet" in " ".join(result.failures())


def test_small_dataset_with_other_vars(tmp_path: Path) -> None:
    dataset = make_dataset(
        tmp_path / "data",
        seed=7,
        events=800,
        days=20,
        grace_period_hours=24,
        max_clock_skew_minutes=1,
        dedupe_horizon_days=3,
        wide_quantity_rate=0.004,
    )
    warehouse = Warehouse(tmp_path / "w.duckdb", dataset.landing)
    warehouse.build(
        dataset.as_of, grace_period_hours=24, max_clock_skew_minutes=1, dedupe_horizon_days=3
    )
    assert daily_from_warehouse(warehouse) == daily_from_truth_csv(dataset)
