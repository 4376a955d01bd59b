"""The history-wide usage checks (rollup against records, conservation, unique record locations)
and their window, var usage_check_window_days: after a build that folded new arrivals in, they
look at the records that arrived within the window (and every day and file those records
touch), with totals over every record; after a build that recomputed the rollup from every
record (the first, a full refresh, a replay), and with null, they look at every record. Each
test tampers with a copy of a built warehouse and runs the checks, so each shows what a check
catches and what it leaves to the builds that checked older records."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from conftest import Dataset, Warehouse

DEFAULT_WINDOW_DAYS = 7  # dbt_project.yml
ROLLUP_CHECK = "assert_usage_daily_matches_events"
CONSERVATION_CHECK = "assert_usage_records_conserved"
STAGING_UNIQUE_CHECK = "unique_combination_of_columns_stg_usage__records_source_file__line_number"


@pytest.fixture(scope="module")
def daily_built(dataset: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """A warehouse built as a scheduler builds it: two days before the data set's final as_of,
    then at it, which folds the last two days' arrivals into what the first build made."""
    warehouse = Warehouse(tmp_path_factory.mktemp("daily") / "w.duckdb", dataset.landing)
    earlier = datetime.fromisoformat(dataset.as_of) - timedelta(days=2)
    warehouse.build(earlier.isoformat(sep=" "))
    warehouse.build(dataset.as_of)
    return warehouse


def copy_of(warehouse: Warehouse, folder: Path) -> Warehouse:
    """A copy of a built warehouse to tamper with."""
    warehouse.query("checkpoint")  # everything into the file, none left in its write-ahead log
    path = folder / "w.duckdb"
    shutil.copy(warehouse.path, path)
    return Warehouse(path, warehouse.landing)


@pytest.fixture
def copy(daily_built: Warehouse, tmp_path: Path) -> Warehouse:
    """A copy of the warehouse built day by day."""
    return copy_of(daily_built, tmp_path)


@pytest.fixture
def since(copy: Warehouse, dataset: Dataset) -> datetime:
    """Where the default window starts: its length before the latest visible arrival."""
    [(latest,)] = copy.query(
        "select max(ingested_at) from staging.stg_usage__records where ingested_at <= ?",
        [dataset.as_of],
    )
    return latest - timedelta(days=DEFAULT_WINDOW_DAYS)


def run_check(warehouse: Warehouse, dataset: Dataset, check: str, **dbt_vars) -> bool:
    """Run one data test (failing rows stored for inspection); whether it passed."""
    result = warehouse.dbt(
        "test", as_of=dataset.as_of, extra=["--select", check, "--store-failures"], **dbt_vars
    )
    assert result.exception is None, result.exception
    return result.success


def failing_files(warehouse: Warehouse) -> set[str]:
    """source_file of the rows the conservation check stored as failures."""
    [(schema,)] = warehouse.query(
        "select table_schema from information_schema.tables where table_name = ?",
        [CONSERVATION_CHECK],
    )
    rows = warehouse.query(f"select source_file from {schema}.{CONSERVATION_CHECK}")
    return {source_file for (source_file,) in rows}


def days_touched_since(warehouse: Warehouse, since: datetime) -> set[date]:
    """Usage days of the records (originals and removed copies' winners) that arrived after
    `since`, read from the warehouse independently of the check."""
    rows = warehouse.query(
        "select usage_date from intermediate.int_usage_records_classified "
        "where quarantine_reason is null and ingested_at > ? "
        "union select winner_usage_date from intermediate.int_usage_duplicates_identified "
        "where ingested_at > ?",
        [since, since],
    )
    return {day for (day,) in rows}


def test_a_build_that_recomputed_the_rollup_checks_every_record(
    built: Warehouse, dataset: Dataset, tmp_path: Path
) -> None:
    # built in one build: every day of the rollup was computed by it, so every day is checked
    once = copy_of(built, tmp_path)
    [(first_day,)] = once.query(
        "select min(usage_date) from intermediate.int_usage_daily_rolled_up"
    )
    once.query(
        "update intermediate.int_usage_daily_rolled_up set event_count = event_count + 1 "
        "where usage_date = ?",
        [first_day],
    )
    assert not run_check(once, dataset, ROLLUP_CHECK)


def test_full_history_checks_pass_on_the_built_warehouse(copy: Warehouse, dataset: Dataset) -> None:
    result = copy.dbt(
        "test",
        as_of=dataset.as_of,
        extra=["--select", "stg_usage__records+", "--exclude", "resource_type:unit_test"],
        usage_check_window_days=None,
    )
    assert result.success, result.failures()
    names = {node.node.name for node in result.node_results}
    assert {ROLLUP_CHECK, CONSERVATION_CHECK, STAGING_UNIQUE_CHECK} <= names


def test_rollup_check_compares_the_days_of_recent_records(
    copy: Warehouse, dataset: Dataset, since: datetime
) -> None:
    recent_days = days_touched_since(copy, since)
    rows = copy.query(
        "select tenant_id, meter, usage_date from intermediate.int_usage_daily_rolled_up "
        "order by usage_date, tenant_id, meter"
    )
    old = next(row for row in rows if row[2] not in recent_days)
    recent = next(row for row in rows if row[2] == max(recent_days))
    shift = (
        "update intermediate.int_usage_daily_rolled_up set event_count = event_count + ? "
        "where tenant_id = ? and meter = ? and usage_date = ?"
    )
    # a day no recent record touches: left to the build that folded it in, caught in full
    copy.query(shift, [1, *old])
    assert run_check(copy, dataset, ROLLUP_CHECK)
    assert not run_check(copy, dataset, ROLLUP_CHECK, usage_check_window_days=None)
    copy.query(shift, [-1, *old])
    assert run_check(copy, dataset, ROLLUP_CHECK, usage_check_window_days=None)
    # a day a recent record lands on: caught by the default window
    copy.query(shift, [1, *recent])
    assert not run_check(copy, dataset, ROLLUP_CHECK)


def test_conservation_compares_recent_files_and_every_total(
    copy: Warehouse, dataset: Dataset, since: datetime
) -> None:
    per_file = copy.query(
        "select quarantine.source_file, "
        "  bool_or(staged.ingested_at > ? or staged.ingested_at is null) as is_recent, "
        "  min(quarantine.line_number) "
        "from ops.fct_usage_quarantine as quarantine "
        "inner join staging.stg_usage__records as staged using (source_file) "
        "group by quarantine.source_file order by 1",
        [since],
    )
    recent = next(row for row in per_file if row[1])
    old = next(row for row in per_file if not row[1])
    lose = "delete from ops.fct_usage_quarantine where source_file = ? and line_number = ?"

    # a quarantined record of an old file lost: the total catches it, the file is not compared
    copy.query(lose, [old[0], old[2]])
    assert not run_check(copy, dataset, CONSERVATION_CHECK)
    assert failing_files(copy) == {"(total)", "(removed copies)"}
    assert not run_check(copy, dataset, CONSERVATION_CHECK, usage_check_window_days=None)
    assert failing_files(copy) == {old[0], "(total)", "(removed copies)"}

    # one of a recent file: the file itself is compared too
    copy.query(lose, [recent[0], recent[2]])
    assert not run_check(copy, dataset, CONSERVATION_CHECK)
    assert failing_files(copy) == {recent[0], "(total)", "(removed copies)"}


def test_unique_locations_are_checked_among_recent_records(
    copy: Warehouse, dataset: Dataset, since: datetime
) -> None:
    locations = copy.query(
        "select source_file, line_number, ingested_at > ? from staging.stg_usage__records "
        "where ingested_at is not null order by source_file, line_number",
        [since],
    )
    old = next(row[:2] for row in locations if not row[2])
    recent = next(row[:2] for row in locations if row[2])
    repeat = (
        "insert into staging.stg_usage__records select * from staging.stg_usage__records "
        "where source_file = ? and line_number = ?"
    )
    copy.query(repeat, list(old))
    assert run_check(copy, dataset, STAGING_UNIQUE_CHECK)
    assert not run_check(copy, dataset, STAGING_UNIQUE_CHECK, usage_check_window_days=None)
    copy.query(repeat, list(recent))
    assert not run_check(copy, dataset, STAGING_UNIQUE_CHECK)
