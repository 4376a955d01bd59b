"""`trueup benchmark`: time and size the usage models at scale against a hand-written floor.

Steps (each measured in a fresh helper process, so wall time and peak RSS are its own):

1. generate N flat usage events as Parquet over `--days` ingest days (≈ `--duplicate-rate`
   duplicate copies: same producer + event_id and payload, a later `ingested_at`, in the same
   or a later day's file), plus one more day kept in a holding folder; with `--keep-data`,
   reused files are read once first, so that all steps read them from the operating system's
   cache (freshly written ones are there already);
2. (a) a full `dbt run` of the usage models on a fresh warehouse;
3. a `dbt run` that selects nothing: dbt's fixed start-up cost;
4. (c) the floor: one hand-written DuckDB query computing the same `fct_usage_daily`; once
   each, for information, (c') the same floor after it has copied every landed row into a table
   of its database file, as staging keeps every record for the builds that follow, and (c'')
   the floor with the textbook dedupe (one `row_number()` window) instead of its faster one;
5. (b0) the same `dbt run` again at the same as_of, before anything new lands: what an
   incremental run costs whatever the data (printed with the share of the day's data, (b) less
   (b0), for information);
6. the extra day is moved into the landing tree, then (b) an incremental `dbt run`, and a
   floor over all days again;
7. (d) the usage models' data tests after that day, as a scheduled `dbt build` runs them:
   with the default usage_check_window_days and over the whole history (not a target; both
   must pass).

With `--repeat N`, (a) (each on an empty warehouse) and (c) run N times each, alternately, and
the ratios compare their medians: one run of either varies by about 15 % on a shared machine.

After (a) and (b) the warehouse's `finance.fct_usage_daily` is compared with the floor's
result (EXCEPT both ways); a mismatch makes the command exit non-zero after printing the
figures. Missing a performance target is reported, not an error.

Three clocks per dbt step: *SQL s* is the time DuckDB spent executing the statements dbt sent
(from dbt's JSON debug log, compile-time queries included) — the figure the targets compare,
like the floor's query time; *node s* is dbt's per-model execution time, which adds dbt's own
per-model work (rendering, materialization logic: roughly 0.1 to 0.3 s a model); *wall s* adds
the start-up (import, parse). All three are printed, with ratios for each. Of the SQL time,
the part that is dbt's own upkeep (transactions, catalog and column look-ups, schema creation,
comments, the renames of a swap) is printed apart, with the incremental ratio of the rest
(*model SQL*) beside the one the target is judged on.

The data is clean on purpose (no clock skew, no late or invalid records), so the floor's
simplifications are exact; a small share of events carries a sample rate (0.5, 0.25, 0.3),
weighed exactly with integer arithmetic.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb

from trueup_tools import PROJECT_DIR

GENERATOR_VERSION = 1
START_DATE = date(2026, 1, 1)
PRODUCERS: tuple[str, ...] = ("api-gw-eu", "api-gw-us", "billing-agent", "storage-scanner")
USAGE_SELECTION: tuple[str, ...] = (
    "+fct_usage_daily",
    "+fct_usage_quarantine",
    "+fct_usage_duplicates",
    "+int_usage_files_loaded",
)
DAY_US = 86_400_000_000
MAX_DUPLICATE_DELAY_DAYS = 2
MAX_EVENT_LAG_US = 6 * 3_600_000_000
FULL_TO_FLOOR_TARGET = 1.5
INCREMENTAL_TO_FULL_TARGET = 0.05
INTERNAL_MODES = ("_measure", "_floor")
FACT_COLUMNS = (
    "tenant_id",
    "meter",
    "usage_date",
    "unit",
    "aggregation",
    "quantity",
    "event_count",
    "duplicate_count",
    "late_event_count",
    "clock_skew_corrected_count",
)


# --------------------------------------------------------------------------------------------
# parameters and paths


@dataclass(frozen=True)
class DataParams:
    """What determines the generated files; stored next to them for `--keep-data`."""

    events: int
    days: int
    duplicate_rate: float
    tenants: int
    seed: int
    meters_sha256: str
    generator_version: int = GENERATOR_VERSION
    duckdb_version: str = duckdb.__version__

    @property
    def originals_per_day(self) -> int:
        """Original events per ingest day, so that originals + copies ≈ `events`."""
        return max(1, round(self.events / self.days / (1 + self.duplicate_rate)))


@dataclass(frozen=True)
class Meter:
    """One row of seeds/meters.csv (the columns the benchmark needs)."""

    meter: str
    unit: str
    aggregation: str


class _Below:
    """A path below the layout's work directory (a read-only attribute of `Layout`)."""

    def __init__(self, *parts: str, doc: str) -> None:
        self.parts = parts
        self.__doc__ = doc

    def __get__(self, layout: Layout | None, owner: type | None = None) -> Any:
        if layout is None:
            return self
        return layout.workdir.joinpath(*self.parts)


@dataclass
class Layout:
    """Where the benchmark writes: all under one work directory."""

    workdir: Path

    landing = _Below("landing", doc="Landing root handed to dbt as `landing_path`.")
    usage = _Below("landing", "usage", doc="Usage folder of the landing tree.")
    holding = _Below(
        "holding", "usage", doc="Where the extra (incremental) day waits until step (b)."
    )
    params_file = _Below("params.json", doc="Parameters of the generated data.")
    warehouse = _Below("warehouse.duckdb", doc="The dbt warehouse (TRUEUP_DUCKDB_PATH).")
    floor_db = _Below("floor.duckdb", doc="DuckDB file holding the floor's results.")
    target = _Below("target", doc="dbt target path (run_results.json).")
    logs = _Below("logs", doc="dbt log path and the captured output of every step.")
    report = _Below("benchmark.json", doc="Figures as JSON.")


def day_folder(day: date) -> str:
    """Hive-style folder name of one ingest day."""
    return f"ingest_date={day.isoformat()}"


def load_meters(path: Path) -> list[Meter]:
    """Meters and their aggregations from the seed file."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    meters = [Meter(r["meter"].strip(), r["unit"].strip(), r["aggregation"].strip()) for r in rows]
    unknown = {m.aggregation for m in meters} - {"sum", "count", "max"}
    if unknown:
        raise ValueError(f"{path}: unsupported aggregation(s) {sorted(unknown)}")
    return meters


def sql_text(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def sql_list(values: Sequence[str]) -> str:
    """A DuckDB list literal of strings."""
    return "[" + ", ".join(sql_text(v) for v in values) + "]"


# --------------------------------------------------------------------------------------------
# data generation


def _event_macro_sql(params: DataParams, meters: Sequence[Meter]) -> str:
    """A table macro `bench_events(lo, hi)`: originals lo..hi-1 and their duplicate copy.

    Every attribute is a hash of (event number, seed, salt), so a day can be generated on its
    own and a duplicate written days after its original without keeping state.
    """
    seed = int(params.seed)
    per_day = params.originals_per_day
    start_us = (START_DATE - date(1970, 1, 1)).days * DAY_US
    dup_threshold = round(params.duplicate_rate * 1_000_000)
    names = sql_list([m.meter for m in meters])
    aggregations = sql_list([m.aggregation for m in meters])

    def h(salt: str) -> str:
        return f"hash(i, {seed}, '{salt}')"

    return f"""
create or replace macro bench_events(lo, hi) as table
with base as (
    select
        i,
        i // {per_day} as day,
        {start_us} + (i // {per_day}) * {DAY_US} + 1000000
            + cast({h("ing")} % {DAY_US - 2_000_000} as bigint) as ing_us,
        cast({h("met")} % {len(meters)} as integer) + 1 as meter_index,
        cast({h("sr")} % 1000 as integer) as sr_pick,
        {h("dup")} % 1000000 < {dup_threshold} as has_duplicate,
        cast({h("dly")} % {MAX_DUPLICATE_DELAY_DAYS + 1} as integer) as duplicate_delay
    from range(lo, hi) as r(i)
),
attrs as (
    select
        base.*,
        {names}[meter_index] as meter,
        {aggregations}[meter_index] as aggregation,
        ing_us - cast({h("lag")} % {MAX_EVENT_LAG_US} as bigint) as event_us,
        case
            when duplicate_delay = 0
                then ing_us + 1 + cast({h("dpt")} % (
                    {start_us} + (day + 1) * {DAY_US} - ing_us - 1) as bigint)
            else {start_us} + (day + duplicate_delay) * {DAY_US} + 1000000
                + cast({h("dpt")} % {DAY_US - 2_000_000} as bigint)
        end as duplicate_ing_us
    from base
)
select
    i,
    day,
    has_duplicate,
    day + duplicate_delay as duplicate_day,
    duplicate_ing_us,
    ing_us,
    printf('%016x-%d', {h("id")}, i) as event_id,
    {sql_list(PRODUCERS)}[cast({h("prd")} % {len(PRODUCERS)} as integer) + 1] as producer,
    'tenant-' || lpad(cast(cast(floor(
        {params.tenants} * pow(({h("ten")} % 1000000) / 1000000.0, 2)) as integer)
        as varchar), 6, '0') as tenant_id,
    meter,
    case aggregation
        when 'sum' then cast(
            cast({h("qty")} % 100000000000 as decimal(38, 0))
            * cast(0.000000001 as decimal(10, 9)) as decimal(38, 9))
        when 'max' then cast(
            cast({h("qty")} % 1000000 as decimal(38, 0))
            * cast(0.001 as decimal(10, 3)) as decimal(38, 9))
        else case when {h("qty")} % 10 = 0 then cast(1 as decimal(38, 9)) end
    end as quantity,
    strftime(make_timestamp(event_us), '%Y-%m-%dT%H:%M:%S.%fZ') as event_ts,
    case
        when sr_pick < 970 then null
        when sr_pick < 985 then cast(0.5 as decimal(18, 9))
        when sr_pick < 995 then cast(0.25 as decimal(18, 9))
        else cast(0.3 as decimal(18, 9))
    end as sample_rate
from attrs
"""


def _day_sql(params: DataParams, day: int) -> str:
    """The rows of one ingest day's file: its originals and the copies that land that day."""
    per_day = params.originals_per_day
    lo = day * per_day
    hi = (day + 1) * per_day
    dup_lo = max(0, day - MAX_DUPLICATE_DELAY_DAYS) * per_day
    columns = "event_id, producer, tenant_id, meter, quantity, event_ts"
    return f"""
select {columns}, make_timestamp(ing_us) as ingested_at, sample_rate
from bench_events({lo}, {hi})
union all
select {columns}, make_timestamp(duplicate_ing_us) as ingested_at, sample_rate
from bench_events({dup_lo}, {hi})
where has_duplicate and duplicate_day = {day}
order by ingested_at
"""


def expected_files(params: DataParams, layout: Layout) -> list[Path]:
    """Every file the generator writes: `days` days in the landing tree, one more held back."""
    out = []
    for day in range(params.days + 1):
        root = layout.usage if day < params.days else layout.holding
        out.append(root / day_folder(START_DATE + timedelta(days=day)) / "part-0.parquet")
    return out


def data_is_reusable(params: DataParams, layout: Layout) -> bool:
    """True when the work directory holds complete data generated with the same parameters."""
    if not layout.params_file.exists():
        return False
    try:
        stored = json.loads(layout.params_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if stored != asdict(params):
        return False
    extra_day = START_DATE + timedelta(days=params.days)
    for path in expected_files(params, layout):
        landed = layout.usage / day_folder(extra_day) / path.name
        if not path.exists() and not (path.parent.parent == layout.holding and landed.exists()):
            return False
    return True


def generate_data(
    params: DataParams, meters: Sequence[Meter], layout: Layout, threads: int | None
) -> None:
    """Write the Parquet files, one ingest day at a time (memory stays bounded)."""
    layout.params_file.unlink(missing_ok=True)
    for folder in (layout.usage, layout.holding):
        if folder.exists():
            shutil.rmtree(folder)
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        if threads:
            con.execute(f"set threads = {int(threads)}")
        con.execute("set preserve_insertion_order = false")
        con.execute(_event_macro_sql(params, meters))
        for day, path in enumerate(expected_files(params, layout)):
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(path.name + ".partial")
            con.execute(
                f"copy ({_day_sql(params, day)}) to {sql_text(str(partial))} "
                "(format parquet, compression zstd)"
            )
            partial.replace(path)
    finally:
        con.close()
    layout.params_file.write_text(json.dumps(asdict(params), indent=2) + "\n", encoding="utf-8")


def extra_day_paths(params: DataParams, layout: Layout) -> tuple[Path, Path]:
    """(held, landed) folder of the extra day."""
    folder = day_folder(START_DATE + timedelta(days=params.days))
    return layout.holding / folder, layout.usage / folder


def hold_extra_day(params: DataParams, layout: Layout) -> None:
    """Put the extra day back into the holding folder (after an earlier run landed it)."""
    held, landed = extra_day_paths(params, layout)
    if landed.exists():
        if held.exists():
            shutil.rmtree(held)
        held.parent.mkdir(parents=True, exist_ok=True)
        landed.replace(held)


def land_extra_day(params: DataParams, layout: Layout) -> None:
    """Move the extra day into the landing tree (a rename: the files appear at once)."""
    held, landed = extra_day_paths(params, layout)
    held.replace(landed)


def count_rows(files: Sequence[Path]) -> int:
    """Rows in Parquet files (from the footers)."""
    con = duckdb.connect()
    try:
        listed = sql_list([str(f) for f in files])
        row = con.execute(f"select count(*) from read_parquet({listed})").fetchall()[0]
        return int(row[0])
    finally:
        con.close()


def warm_file_cache(files: Sequence[Path], chunk: int = 1 << 24) -> int:
    """Read every byte of `files` once, so that the operating system caches them and every
    measured step reads them from memory: otherwise the first step to read reused data (the
    full build) would also pay the disk, and the floor after it would not. Returns the bytes
    read."""
    total = 0
    for path in files:
        with path.open("rb", buffering=0) as handle:
            while block := handle.read(chunk):
                total += len(block)
    return total


# --------------------------------------------------------------------------------------------
# the floor: one hand-written query


def floor_sql(
    landing: Path, meters: Sequence[Meter], records: str | None = None, *, window: bool = False
) -> str:
    """`fct_usage_daily` from the landed Parquet files in one query (or from `records`, a table
    holding them with their `filename` and `file_row_number`).

    Dedupe: the keys (producer, event_id) with more than one copy are found by a key-only
    aggregation; for them the copy with the smallest (ingested_at, file, row) wins (`arg_min`)
    and the other copies count as duplicates on the winner's tenant, meter and day; every
    other record passes through (anti join). This beats one `arg_min` over all keys (about
    1.7x at 2M records) and `row_number()` windows (about 2.2x). Weighting is exact:
    quantity / sample_rate as integer long division on units of 1e-9, rounded half away from
    zero (quantities are >= 0). Valid for clean data (no clock skew, late or invalid records)
    in the flat Parquet schema; late and skew counts are 0.

    With `window`, the dedupe is the textbook form instead: one `row_number()` window over
    every record, partitioned by the key and ordered like the winner (the other copies counted
    by `count(*)` over the same partition). Same result, about twice the time: for information.
    """
    values = ", ".join(
        f"({sql_text(m.meter)}, {sql_text(m.unit)}, {sql_text(m.aggregation)})" for m in meters
    )
    source = records or landed_parquet(landing)
    winner = (
        "{'tenant_id': tenant_id, 'meter': meter, 'quantity': quantity,\n"
        "          'sample_rate': sample_rate, 'event_ts': event_ts}"
    )
    if window:
        dedupe = f"""
numbered as (
    select
        *,
        row_number() over (
            partition by producer, event_id order by ingested_at, filename, file_row_number
        ) as copy_number,
        count(*) over (partition by producer, event_id) - 1 as copies
    from records
),
events as (
    select
        {winner} as winner,
        copies as duplicates
    from numbered
    where copy_number = 1
),"""
    else:
        dedupe = f"""
repeated_keys as (
    -- the duplicate set: keys with more than one copy (a key-only aggregation)
    select producer, event_id
    from records
    group by producer, event_id
    having count(*) > 1
),
repeated_winners as (
    select
        arg_min(
            {winner},
            {{'ingested_at': ingested_at, 'file': filename, 'row': file_row_number}}
        ) as winner,
        count(*) - 1 as duplicates
    from records
    semi join repeated_keys using (producer, event_id)
    group by producer, event_id
),
events as (
    select
        {winner} as winner,
        0 as duplicates
    from records
    anti join repeated_keys using (producer, event_id)
    union all
    select winner, duplicates
    from repeated_winners
),"""

    def weighted(units: str) -> str:
        # round(units / r_units) on integers, half away from zero, back to DECIMAL(38, 9)
        r_units = "cast(events.winner.sample_rate * 1000000000 as hugeint)"
        return (
            f"cast(cast((2 * cast({units} as hugeint) * 1000000000 + {r_units}) // (2 * {r_units})"
            " as decimal(38, 0)) * cast(0.000000001 as decimal(10, 9)) as decimal(38, 9))"
        )

    return f"""
with
meters (meter, unit, aggregation) as (values {values}),
records as not materialized (
    select
        producer, event_id, tenant_id, meter, quantity, sample_rate, event_ts, ingested_at,
        filename, file_row_number
    from {source}
),{dedupe}
weighted as (
    select
        events.winner.tenant_id as tenant_id,
        events.winner.meter as meter,
        cast(cast(events.winner.event_ts as timestamptz) as date) as usage_date,
        meters.unit,
        meters.aggregation,
        case meters.aggregation
            when 'max' then events.winner.quantity
            when 'count' then case
                when events.winner.sample_rate is null then cast(1 as decimal(38, 9))
                else {weighted("1000000000")}
            end
            else case
                when events.winner.sample_rate is null then events.winner.quantity
                else {weighted("cast(events.winner.quantity * 1000000000 as hugeint)")}
            end
        end as weighted_quantity,
        events.duplicates
    from events
    inner join meters on events.winner.meter = meters.meter
)
select
    tenant_id,
    meter,
    usage_date,
    unit,
    aggregation,
    cast(case when aggregation = 'max' then max(weighted_quantity)
        else sum(weighted_quantity) end as decimal(38, 9)) as quantity,
    cast(count(*) as bigint) as event_count,
    cast(sum(duplicates) as bigint) as duplicate_count,
    cast(0 as bigint) as late_event_count,
    cast(0 as bigint) as clock_skew_corrected_count
from weighted
group by tenant_id, meter, usage_date, unit, aggregation
"""


def landed_parquet(landing: Path) -> str:
    """Every landed Parquet row with its file name and 0-based row number."""
    glob = sql_text(str(landing / "usage" / "**" / "*.parquet"))
    return (
        f"read_parquet({glob}, filename = true, file_row_number = true, hive_partitioning = false)"
    )


FLOOR_VARIANTS = ("read", "persist", "window")


@dataclass(frozen=True)
class InfoFloor:
    """A floor run once for information beside the target's: its run_floor variant, step and
    table names, what it does, its check's and ratio's names, and what the ratio means."""

    variant: str
    step: str
    table: str
    doing: str
    check: str
    ratio: str
    meaning: str


INFO_FLOORS = (
    InfoFloor(
        "persist",
        "(c') floor persisting records",
        "floor_persisted",
        "the floor after it has copied every landed row into a table",
        "(a) vs floor persisting records",
        "full / floor persisting records (SQL)",
        "a floor that keeps every record, as incremental builds need",
    ),
    InfoFloor(
        "window",
        "(c'') floor, row_number() dedupe",
        "floor_window",
        "the floor with the textbook dedupe (a row_number() window)",
        "(a) vs floor with row_number() dedupe",
        "full / floor with row_number() (SQL)",
        "the floor with the textbook dedupe",
    ),
)


def run_floor(
    database: Path,
    table: str,
    landing: Path,
    meters_csv: Path,
    threads: int,
    *,
    variant: str = "read",
) -> dict[str, Any]:
    """Run the floor query into `table` of `database`; returns its own timing and row count.

    `variant` (FLOOR_VARIANTS): "read", the floor; "persist", the floor after it has first
    copied every landed row, as it is, into a table of the same database file (as staging
    keeps every record for later builds), then run on that table, both statements timed (the
    copy is dropped afterwards, untimed); "window", the floor with the textbook dedupe (see
    floor_sql)."""
    if variant not in FLOOR_VARIANTS:
        raise ValueError(f"unknown floor variant {variant!r}; expected one of {FLOOR_VARIANTS}")
    persist = variant == "persist"
    meters = load_meters(meters_csv)
    con = duckdb.connect(str(database))
    try:
        con.execute("set TimeZone = 'UTC'")
        if threads:
            con.execute(f"set threads = {int(threads)}")
        con.execute("set preserve_insertion_order = false")
        copy = f"{table}_records"
        started = time.perf_counter()
        if persist:
            con.execute(
                f"create or replace table {copy} as select * from {landed_parquet(landing)}"
            )
        persist_s = time.perf_counter() - started
        query = floor_sql(landing, meters, copy if persist else None, window=variant == "window")
        con.execute(f"create or replace table {table} as {query}")
        query_s = time.perf_counter() - started
        rows = int(con.execute(f"select count(*) from {table}").fetchall()[0][0])
        if persist:
            con.execute(f"drop table {copy}")
            con.execute("checkpoint")
    finally:
        con.close()
    return {"query_s": query_s, "persist_s": persist_s, "rows": rows}


# --------------------------------------------------------------------------------------------
# correctness


def compare(warehouse: Path, floor_db: Path, table: str) -> dict[str, Any]:
    """EXCEPT both ways between finance.fct_usage_daily and the floor's table, plus counts."""
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"attach {sql_text(str(warehouse))} as wh (read_only)")
        con.execute(f"attach {sql_text(str(floor_db))} as fl (read_only)")
        cols = ", ".join(FACT_COLUMNS)
        wh = f"select {cols} from wh.finance.fct_usage_daily"
        fl = f"select {cols} from fl.main.{table}"

        def scalar(sql: str) -> Any:
            return con.execute(sql).fetchall()[0][0]

        only_wh = int(scalar(f"select count(*) from ({wh} except all {fl})"))
        only_fl = int(scalar(f"select count(*) from ({fl} except all {wh})"))
        samples = con.execute(
            f"select 'warehouse only' as side, * from ({wh} except all {fl}) "
            f"union all select 'floor only', * from ({fl} except all {wh}) "
            "order by tenant_id, meter, usage_date, side limit 10"
        ).fetchall()
        result = {
            "rows_warehouse": int(scalar("select count(*) from wh.finance.fct_usage_daily")),
            "rows_floor": int(scalar(f"select count(*) from fl.main.{table}")),
            "only_in_warehouse": only_wh,
            "only_in_floor": only_fl,
            "quarantined": int(scalar("select count(*) from wh.ops.fct_usage_quarantine")),
            "duplicates_listed": int(scalar("select count(*) from wh.ops.fct_usage_duplicates")),
            "duplicates_floor": int(scalar(f"select sum(duplicate_count) from fl.main.{table}")),
            "samples": [[str(v) for v in row] for row in samples],
        }
    finally:
        con.close()
    result["match"] = (
        only_wh == 0
        and only_fl == 0
        and result["quarantined"] == 0
        and result["duplicates_listed"] == result["duplicates_floor"]
    )
    return result


def warehouse_fact_rows(warehouse: Path) -> int:
    """Rows of finance.fct_usage_daily (used when the floor is skipped)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return int(con.execute("select count(*) from finance.fct_usage_daily").fetchall()[0][0])
    finally:
        con.close()


# --------------------------------------------------------------------------------------------
# measuring child processes


@dataclass
class Step:
    """One measured step of the report."""

    name: str
    wall_s: float | None
    maxrss_gb: float
    returncode: int
    sql_s: float | None = None
    upkeep_s: float | None = None
    node_s: float | None = None
    rows: int | None = None
    nodes: dict[str, float] = field(default_factory=dict)
    note: str = ""
    runs_sql_s: list[float] = field(default_factory=list)

    @property
    def model_sql_s(self) -> float | None:
        """SQL time less dbt's own upkeep statements (`is_dbt_upkeep`)."""
        if self.sql_s is None or self.upkeep_s is None:
            return None
        return self.sql_s - self.upkeep_s

    @property
    def overhead_s(self) -> float | None:
        """Wall time not spent running SQL (dbt start-up, parsing, per-model Python work)."""
        if self.sql_s is None or self.wall_s is None:
            return None
        return self.wall_s - self.sql_s


def measure_child(command: Sequence[str], log: Path) -> dict[str, Any]:
    """Run `command` to completion; wall time and the peak RSS of the child (this process's
    RUSAGE_CHILDREN is a maximum over all children so far: call it in a fresh process)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        started = time.perf_counter()
        completed = subprocess.run(list(command), stdout=out, stderr=subprocess.STDOUT, check=False)
        wall = time.perf_counter() - started
    maxrss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"wall_s": wall, "maxrss_kb": maxrss_kb, "returncode": completed.returncode}


def helper_env() -> dict[str, str]:
    """Environment for re-invoking this module (`python -m trueup_tools.benchmark`)."""
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parents[1])
    paths = [package_root, *[p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env


def measured(command: Sequence[str], log: Path, env: dict[str, str]) -> dict[str, Any]:
    """Run `command` under a fresh `_measure` helper process and return its figures."""
    helper = [sys.executable, "-m", "trueup_tools.benchmark", "_measure", str(log), "--", *command]
    completed = subprocess.run(helper, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"measure helper failed: {completed.stderr.strip()}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def slug(name: str) -> str:
    """A file-name-safe form of a step name."""
    kept = "".join(c if c.isalnum() else "-" for c in name.lower())
    return "-".join(part for part in kept.split("-") if part)


def tail(path: Path, lines: int = 25) -> str:
    """The last lines of a log file."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


# --------------------------------------------------------------------------------------------
# dbt


@dataclass
class DbtSetup:
    """How to call dbt for the benchmark."""

    dbt: str
    project: Path
    layout: Layout
    threads: int | None

    def env(self) -> dict[str, str]:
        """Environment of the dbt child: its own warehouse, profiles and no telemetry."""
        env = dict(os.environ)
        env["TRUEUP_DUCKDB_PATH"] = str(self.layout.warehouse)
        env["TRUEUP_TARGET"] = "duckdb"
        env["DBT_PROFILES_DIR"] = str(self.project)
        env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
        env.pop("TRUEUP_LANDING_PATH", None)
        return env

    def command(
        self, verb: str, dbt_vars: dict[str, str], select: Sequence[str], log_dir: Path
    ) -> list[str]:
        """A dbt command line against the project, writing target and logs to the workdir.

        Partial parsing is off: a daily run changes `as_of`, which invalidates it anyway,
        so every measured run pays the same parse. The file log is JSON at debug level: it
        holds the elapsed time of every SQL statement dbt sends (see `read_query_times`).
        """
        cmd = [
            self.dbt,
            "--no-partial-parse",
            "--no-use-colors",
            verb,
            "--project-dir",
            str(self.project),
            "--profiles-dir",
            str(self.project),
            "--target-path",
            str(self.layout.target),
            "--log-path",
            str(log_dir),
            "--log-format-file",
            "json",
            "--log-level-file",
            "debug",
            "--vars",
            json.dumps(dbt_vars),
        ]
        if select:
            cmd += ["--select", *select]
        if self.threads:
            cmd += ["--threads", str(self.threads)]
        return cmd


# dbt's own statements: transactions, catalog look-ups, schema upkeep and docs. Everything
# else a node sends is the model's work, COMMIT included (it persists what the model wrote).
_DBT_COMMENT = re.compile(r"^\s*/\*.*?\*/\s*", re.S)
_UPKEEP_PREFIXES = (
    "begin",
    "rollback",
    "create schema",
    "comment on",
    "drop table if exists",
    "drop view if exists",
    "describe (",  # a contract's column check of the model's query
)
_CATALOG_SOURCES = (
    "information_schema.",
    "duckdb_databases()",
    "duckdb_constraints()",
    "version()",
    "from (describe ",  # column look-up of a relation
)


def is_dbt_upkeep(sql: str) -> bool:
    """Whether a statement is dbt's own upkeep rather than a model's work: BEGIN/ROLLBACK,
    catalog and column look-ups, `create schema`, comments (persist_docs), the renames and
    drops of the swap, a contract's DESCRIBE. COMMIT counts as the model's: it persists what
    the model wrote."""
    text = " ".join(_DBT_COMMENT.sub("", sql).split()).lower()
    if text.startswith(_UPKEEP_PREFIXES):
        return True
    if text.startswith("alter ") and " rename to " in text:
        return True
    return text.startswith("select ") and any(source in text for source in _CATALOG_SOURCES)


@dataclass
class QueryTimes:
    """SQL time of one dbt invocation, from its JSON file log."""

    total_s: float
    per_node: dict[str, float]
    upkeep_s: float


def read_query_times(log_file: Path) -> QueryTimes:
    """Σ elapsed of every SQL statement, per node, and the part that is dbt's upkeep
    (`is_dbt_upkeep`), from a dbt JSON file log.

    This is the time DuckDB spent executing what dbt sent, compile-time queries (run_query)
    included; a node's execution_time adds dbt's own per-model work (rendering, the
    materialization's Python) on top. Statements outside any node (hooks, introspection at
    start-up) are listed under "(run)". A statement's text is the node's latest SQLQuery
    event; its elapsed time is the SQLQueryStatus that follows.
    """
    per_node: dict[str, float] = {}
    upkeep = 0.0
    latest_sql: dict[str, str] = {}
    with log_file.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            is_query = '"SQLQuery"' in line
            if not is_query and '"SQLQueryStatus"' not in line:
                continue
            event = json.loads(line)
            data = event.get("data", {})
            node = (data.get("node_info") or {}).get("node_name") or "(run)"
            if event.get("info", {}).get("name") == "SQLQuery":
                latest_sql[node] = data.get("sql") or ""
                continue
            elapsed = float(data.get("elapsed") or 0.0)
            per_node[node] = per_node.get(node, 0.0) + elapsed
            if is_dbt_upkeep(latest_sql.pop(node, "")):
                upkeep += elapsed
    return QueryTimes(sum(per_node.values()), per_node, upkeep)


def read_run_results(target: Path) -> tuple[float, dict[str, float], list[str]]:
    """(Σ node execution_time, per-node times, failed nodes) from run_results.json."""
    path = target / "run_results.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    nodes: dict[str, float] = {}
    failed = []
    for result in data.get("results", []):
        name = result["unique_id"].split(".")[-1]
        nodes[name] = float(result.get("execution_time") or 0.0)
        if result.get("status") not in ("success", "pass"):
            failed.append(f"{name}: {result.get('status')}: {result.get('message')}")
    return sum(nodes.values()), nodes, failed


def run_dbt_step(
    setup: DbtSetup,
    name: str,
    verb: str,
    dbt_vars: dict[str, str],
    select: Sequence[str],
    *,
    expect_results: bool = True,
) -> Step:
    """Run one measured dbt command and read its node timings."""
    results = setup.layout.target / "run_results.json"
    results.unlink(missing_ok=True)
    log = setup.layout.logs / f"{slug(name)}.log"
    log_dir = setup.layout.logs / slug(name)
    if log_dir.exists():
        shutil.rmtree(log_dir)
    figures = measured(setup.command(verb, dbt_vars, select, log_dir), log, setup.env())
    step = Step(
        name=name,
        wall_s=figures["wall_s"],
        maxrss_gb=figures["maxrss_kb"] / 1024 / 1024,
        returncode=figures["returncode"],
    )
    if figures["returncode"] != 0:
        raise RuntimeError(f"dbt {verb} ({name}) failed; see {log}:\n{tail(log)}")
    if expect_results and results.exists():
        step.node_s, _, failed = read_run_results(setup.layout.target)
        if failed:
            raise RuntimeError(f"dbt {verb} ({name}) failed nodes: {failed}")
    elif not expect_results:
        step.node_s = 0.0
    times = read_query_times(log_dir / "dbt.log")
    step.sql_s, step.nodes, step.upkeep_s = times.total_s, times.per_node, times.upkeep_s
    return step


def median_step(steps: Sequence[Step], name: str) -> Step:
    """The run with the median SQL time (the lower middle of an even count), named `name`; with
    more than one run its note gives the spread and every run's SQL time is kept."""
    ordered = sorted(steps, key=lambda step: step.sql_s or 0.0)
    chosen = ordered[(len(ordered) - 1) // 2]
    chosen.name = name
    chosen.runs_sql_s = [step.sql_s or 0.0 for step in steps]
    if len(steps) > 1:
        spread = f"{_fmt(ordered[0].sql_s)} to {_fmt(ordered[-1].sql_s)} s"
        chosen.note = "; ".join(
            part
            for part in (f"median of {len(steps)} runs by SQL time (SQL {spread})", chosen.note)
            if part
        )
    return chosen


def find_dbt() -> str:
    """The dbt next to this Python interpreter, else the one on PATH."""
    beside = Path(sys.executable).with_name("dbt")
    if beside.exists():
        return str(beside)
    found = shutil.which("dbt")
    if not found:
        raise RuntimeError("dbt not found next to this Python or on PATH; pass --dbt")
    return found


# --------------------------------------------------------------------------------------------
# the benchmark


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `trueup benchmark`."""
    parser.add_argument(
        "--events", type=int, default=10_000_000, help="usage records over --days (default 10M)"
    )
    parser.add_argument("--days", type=int, default=90, help="ingest days of step (a)")
    parser.add_argument(
        "--duplicate-rate", type=float, default=0.02, help="share of duplicate copies"
    )
    parser.add_argument("--tenants", type=int, default=1000, help="number of tenants")
    parser.add_argument("--seed", type=int, default=42, help="seed of the generated data")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=PROJECT_DIR / "bench",
        help="where data, warehouse, floor, logs and benchmark.json go (default: bench/)",
    )
    parser.add_argument(
        "--keep-data",
        action="store_true",
        help="reuse the generated data when its parameters are unchanged",
    )
    parser.add_argument("--skip-floor", action="store_true", help="skip the floor and checks")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run the full build and the floor this many times each, alternately, and compare "
        "their medians (default 1)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="DuckDB threads of generation and floor, and dbt --threads (default: as configured)",
    )
    parser.add_argument(
        "--project-dir", type=Path, default=PROJECT_DIR, help="dbt project (default: this one)"
    )
    parser.add_argument("--dbt", default=None, help="dbt executable (default: beside python)")


def _as_of(day_index: int) -> str:
    """Midnight (UTC) after ingest day `day_index`: every record of that day is visible, and
    none of the next day's (they are ingested from 00:00:01 on)."""
    return (START_DATE + timedelta(days=day_index + 1)).isoformat() + " 00:00:00"


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def print_report(
    steps: Sequence[Step], ratios: Sequence[dict[str, Any]], checks: Sequence[dict[str, Any]]
) -> None:
    """The figures as a table, then the ratios and the correctness checks."""
    header = (
        "step",
        "wall s",
        "SQL s",
        "of it dbt upkeep s",
        "node s",
        "dbt overhead s",
        "peak RSS GB",
        "rows",
    )
    rows = [
        (
            s.name,
            _fmt(s.wall_s),
            _fmt(s.sql_s),
            _fmt(s.upkeep_s),
            _fmt(s.node_s),
            _fmt(s.overhead_s),
            _fmt(s.maxrss_gb, 3),
            "-" if s.rows is None else f"{s.rows:,}",
        )
        for s in steps
    ]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    print()
    print(line(header))
    print(line(["-" * w for w in widths]))
    for row in rows:
        print(line(row))
    for step in steps:
        if step.nodes:
            slowest = sorted(step.nodes.items(), key=lambda kv: -kv[1])
            parts = ", ".join(f"{n} {t:.2f}s" for n, t in slowest[:8] if t >= 0.005)
            rest = slowest[8:]
            if rest:
                parts += f", {len(rest)} more {sum(t for _, t in rest):.2f}s"
            print(f"  {step.name} SQL per node: {parts}")
        if step.note:
            print(f"  {step.name}: {step.note}")
    print()
    for ratio in ratios:
        mark = ratio["status"]
        print(
            f"{ratio['name']:<40} {_fmt(ratio['value'], 3):>8}   target {ratio['target']}"
            f"   {mark}   ({ratio['detail']})"
        )
    print()
    for check in checks:
        verdict = "MATCH" if check["match"] else "MISMATCH"
        print(
            f"{check['name']}: {verdict} — warehouse {check['rows_warehouse']:,} rows, floor "
            f"{check['rows_floor']:,} rows, only in warehouse {check['only_in_warehouse']}, "
            f"only in floor {check['only_in_floor']}, quarantined {check['quarantined']}, "
            f"duplicates listed {check['duplicates_listed']:,} / floor "
            f"{check['duplicates_floor']:,}"
        )
        for sample in check["samples"]:
            print("    " + " | ".join(sample))


def _ratio(
    name: str, numerator: float | None, denominator: float | None, target: float, detail: str
) -> dict[str, Any]:
    value = None if not numerator or not denominator else numerator / denominator
    status = "-" if value is None else ("PASS" if value <= target else "MISS")
    return {
        "name": name,
        "value": value,
        "target": f"<= {target:g}",
        "status": status,
        "detail": detail,
    }


@dataclass
class _Run:
    """What one `trueup benchmark` run passes from step to step."""

    args: argparse.Namespace
    layout: Layout
    meters_csv: Path
    params: DataParams
    setup: DbtSetup
    env: dict[str, str]
    checks: list[dict[str, Any]] = field(default_factory=list)

    def check(self, table: str, name: str) -> dict[str, Any]:
        """Compare the warehouse with the floor's `table`; record and return the check."""
        check = compare(self.layout.warehouse, self.layout.floor_db, table)
        check["name"] = name
        self.checks.append(check)
        return check

    def floor(self, step: str, table: str, variant: str | None = None) -> Step:
        """Time one floor (the hand-written SQL the dbt build is measured against)."""
        extra = {} if variant is None else {"variant": variant}
        return run_floor_step(
            self.layout, step, table, self.meters_csv, self.args, self.env, **extra
        )


@dataclass
class _Timings:
    """The timed steps of one run, in the order they ran."""

    seed: Step
    full: Step
    startup: Step
    floor90: Step | None
    info: list[Step]
    idle: Step
    incremental: Step
    floor91: Step | None
    tests: list[Step]


def _option_problems(args: argparse.Namespace) -> list[str]:
    """What is wrong with the options (empty when they can run)."""
    problems = []
    if args.days < 1 or args.events < args.days:
        problems.append("--days must be at least 1 and --events at least --days")
    if not 0 <= args.duplicate_rate < 1:
        problems.append("--duplicate-rate must be in [0, 1)")
    if args.tenants < 1:
        problems.append("--tenants must be at least 1")
    if args.repeat < 1:
        problems.append("--repeat must be at least 1")
    if args.threads is not None and args.threads < 1:
        problems.append("--threads must be at least 1")
    return problems


def _layout(args: argparse.Namespace) -> Layout:
    """The run's work folders (created)."""
    layout = Layout(args.workdir.resolve())
    layout.workdir.mkdir(parents=True, exist_ok=True)
    layout.logs.mkdir(parents=True, exist_ok=True)
    return layout


def _new_run(args: argparse.Namespace, layout: Layout, meters_csv: Path) -> _Run:
    """The run's data parameters and dbt set-up."""
    project: Path = args.project_dir.resolve()
    params = DataParams(
        events=args.events,
        days=args.days,
        duplicate_rate=args.duplicate_rate,
        tenants=args.tenants,
        seed=args.seed,
        meters_sha256=hashlib.sha256(meters_csv.read_bytes()).hexdigest(),
    )
    setup = DbtSetup(args.dbt or find_dbt(), project, layout, args.threads)
    return _Run(args, layout, meters_csv, params, setup, helper_env())


def _prepare_data(run: _Run, meters: list[Meter]) -> tuple[float | None, int, int]:
    """Generate the landing files (or reuse them with --keep-data); returns (generation
    seconds or None when reused, records in the days, records in the held-back day)."""
    params, layout = run.params, run.layout
    if run.args.keep_data and data_is_reusable(params, layout):
        hold_extra_day(params, layout)
        print(f"reusing the data in {layout.landing}")
        generation = None
    else:
        print(f"generating {params.events:,} events over {params.days} days (+1 held back) ...")
        started = time.perf_counter()
        generate_data(params, meters, layout, run.args.threads)
        generation = time.perf_counter() - started
    files = expected_files(params, layout)
    if generation is None:
        # files just written are in the cache already; reused ones may have left it
        cached = warm_file_cache(files)
        print(f"read the {cached / 1e9:.2f} GB of reused files once: every step reads them cached")
    landed_rows = count_rows(files[:-1])
    extra_rows = count_rows(files[-1:])
    print(f"{landed_rows:,} records in {params.days} days, {extra_rows:,} in the extra day")
    return generation, landed_rows, extra_rows


def _time_full_builds(
    run: _Run, vars_full: dict[str, Any], as_of_full: str
) -> tuple[Step, Step, Step | None]:
    """(a) and (c): `--repeat` full builds from an empty warehouse, alternating with the
    floor; returns (the seed step, the median full build, the median floor or None)."""
    layout = run.layout
    fulls: list[Step] = []
    floors: list[Step] = []
    for attempt in range(1, run.args.repeat + 1):
        # each full build starts from an empty warehouse; full builds and floors alternate,
        # so that a slow spell of the machine does not fall on one side only
        suffix = "" if attempt == 1 else f", run {attempt}"
        for stale in (
            layout.warehouse,
            layout.warehouse.with_name(layout.warehouse.name + ".wal"),
        ):
            stale.unlink(missing_ok=True)
        layout.floor_db.unlink(missing_ok=True)
        print(f"dbt seed (meters){suffix} ...")
        seed_step = run_dbt_step(
            run.setup, f"setup: dbt seed{suffix}", "seed", vars_full, ["meters"]
        )
        print(f"(a) full build, as_of {as_of_full}{suffix} ...")
        fulls.append(
            run_dbt_step(run.setup, f"(a) full build{suffix}", "run", vars_full, USAGE_SELECTION)
        )
        if not run.args.skip_floor:
            print(f"(c) floor{suffix} ...")
            floors.append(run.floor(f"(c) floor{suffix}", "floor_full"))
    seed_step.name = "setup: dbt seed"
    full = median_step(fulls, "(a) full build")
    floor90 = median_step(floors, "(c) floor") if floors else None
    return seed_step, full, floor90


def _time_startup(run: _Run, vars_full: dict[str, Any]) -> Step:
    """dbt's fixed cost: a run that selects nothing."""
    print("dbt start-up: a run that selects nothing ...")
    startup = run_dbt_step(
        run.setup,
        "dbt start-up (empty run)",
        "run",
        vars_full,
        ["fct_usage_daily", "--exclude", "fct_usage_daily"],
        expect_results=False,
    )
    startup.note = "fixed cost of any dbt invocation (import, parse, no SQL)"
    return startup


def _time_info_floors(run: _Run, full: Step, floor90: Step | None) -> list[Step]:
    """Check the full build against the floor, then time the informational floors (each
    checked too); without a floor, only count the full build's rows."""
    if floor90 is None:
        full.rows = warehouse_fact_rows(run.layout.warehouse)
        return []
    full.rows = run.check("floor_full", f"(a) vs floor over {run.params.days} days")[
        "rows_warehouse"
    ]
    info_steps: list[Step] = []
    for info_floor in INFO_FLOORS:
        print(f"{info_floor.step}: {info_floor.doing} ...")
        info_steps.append(run.floor(info_floor.step, info_floor.table, info_floor.variant))
        run.check(info_floor.table, info_floor.check)
    return info_steps


def _time_incremental(
    run: _Run,
    vars_full: dict[str, Any],
    vars_next: dict[str, Any],
    as_of_next: str,
    floor90: Step | None,
) -> tuple[Step, Step, Step | None]:
    """(b0) an incremental run with nothing new, then (b) one after the held-back day lands,
    each checked against its floor; returns (idle, incremental, the floor over all days)."""
    days = run.params.days
    print("(b0) incremental build with nothing new, before the day lands ...")
    idle = run_dbt_step(
        run.setup, "(b0) incremental, nothing new", "run", vars_full, USAGE_SELECTION
    )
    idle.note = (
        "the same models again at the same as_of, no new file: what a run costs whatever "
        "the data (dbt's materializations, watermark and register look-ups, commits)"
    )
    if floor90 is not None:
        run.check("floor_full", f"(b0) vs floor over {days} days")
    land_extra_day(run.params, run.layout)
    print(f"(b) incremental build after one more day, as_of {as_of_next} ...")
    incremental = run_dbt_step(run.setup, "(b) incremental day", "run", vars_next, USAGE_SELECTION)
    floor91 = None
    if not run.args.skip_floor:
        print("floor over all days ...")
        floor91 = run.floor(f"floor over {days + 1} days", "floor_next")
        check = run.check("floor_next", f"(b) vs floor over {days + 1} days")
        incremental.rows = check["rows_warehouse"]
    else:
        incremental.rows = warehouse_fact_rows(run.layout.warehouse)
    return idle, incremental, floor91


def _time_steps(run: _Run) -> tuple[_Timings, str, str]:
    """Every timed dbt build and floor, in order; returns (timings, as_of full, as_of next)."""
    params = run.params
    as_of_full = _as_of(params.days - 1)
    as_of_next = _as_of(params.days)
    landing = str(run.layout.landing)
    vars_full = {"landing_path": landing, "as_of": as_of_full}
    vars_next = {"landing_path": landing, "as_of": as_of_next}
    seed_step, full, floor90 = _time_full_builds(run, vars_full, as_of_full)
    startup = _time_startup(run, vars_full)
    info_steps = _time_info_floors(run, full, floor90)
    idle, incremental, floor91 = _time_incremental(run, vars_full, vars_next, as_of_next, floor90)
    tests = run_test_steps(run.setup, vars_next)
    timings = _Timings(
        seed_step, full, startup, floor90, info_steps, idle, incremental, floor91, tests
    )
    return timings, as_of_full, as_of_next


def _all_steps(t: _Timings, generation: float | None, rows: int) -> list[Step]:
    """The report's steps: data generation first, then the timed steps in report order."""
    gen_step = Step(
        name="generate data",
        wall_s=generation,
        maxrss_gb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024,
        returncode=0,
        rows=rows,
        note="in-process; reused" if generation is None else "in-process",
    )
    steps = [gen_step, t.seed, t.full, t.startup]
    if t.floor90:
        steps.append(t.floor90)
    steps.extend(t.info)
    steps.extend([t.idle, t.incremental])
    if t.floor91:
        steps.append(t.floor91)
    steps.extend(t.tests)
    return steps


def _floor_ratios(t: _Timings) -> list[dict[str, Any]]:
    """The full build against the floor (SQL, node and wall time) and the informational
    floors (none without a floor)."""
    full, floor90 = t.full, t.floor90
    if not floor90:
        return []
    ratios = [
        _ratio(
            "full / floor (SQL time)",
            full.sql_s,
            floor90.sql_s,
            FULL_TO_FLOOR_TARGET,
            f"{_fmt(full.sql_s)} s / {_fmt(floor90.sql_s)} s",
        )
    ]
    for info_floor, info_step in zip(INFO_FLOORS, t.info, strict=True):
        info = _ratio(
            info_floor.ratio,
            full.sql_s,
            info_step.sql_s,
            FULL_TO_FLOOR_TARGET,
            f"{_fmt(full.sql_s)} s / {_fmt(info_step.sql_s)} s; for information: "
            + info_floor.meaning,
        )
        info["status"] = "info"
        ratios.append(info)
    ratios.append(
        _ratio(
            "full / floor (node time)",
            full.node_s,
            floor90.sql_s,
            FULL_TO_FLOOR_TARGET,
            f"{_fmt(full.node_s)} s / {_fmt(floor90.sql_s)} s",
        )
    )
    ratios.append(
        _ratio(
            "full / floor (wall, dbt start-up incl.)",
            full.wall_s,
            floor90.wall_s,
            FULL_TO_FLOOR_TARGET,
            f"{_fmt(full.wall_s)} s / {_fmt(floor90.wall_s)} s",
        )
    )
    return ratios


def _incremental_ratios(t: _Timings) -> list[dict[str, Any]]:
    """The incremental build against the full one (SQL, model SQL, marginal, node, wall)."""
    full, incremental, idle = t.full, t.incremental, t.idle
    ratios = [
        _ratio(
            "incremental / full (SQL time)",
            incremental.sql_s,
            full.sql_s,
            INCREMENTAL_TO_FULL_TARGET,
            f"{_fmt(incremental.sql_s)} s / {_fmt(full.sql_s)} s; dbt start-up "
            f"{_fmt(t.startup.wall_s)} s reported apart",
        ),
        _ratio(
            "incremental / full (model SQL)",
            incremental.model_sql_s,
            full.model_sql_s,
            INCREMENTAL_TO_FULL_TARGET,
            f"{_fmt(incremental.model_sql_s)} s / {_fmt(full.model_sql_s)} s; SQL time less "
            f"dbt's upkeep statements ({_fmt(incremental.upkeep_s)} s / "
            f"{_fmt(full.upkeep_s)} s)",
        ),
    ]
    marginal = _ratio(
        "(incremental - nothing new) / full (SQL)",
        None if incremental.sql_s is None or idle.sql_s is None else incremental.sql_s - idle.sql_s,
        full.sql_s,
        INCREMENTAL_TO_FULL_TARGET,
        f"({_fmt(incremental.sql_s)} s - {_fmt(idle.sql_s)} s) / {_fmt(full.sql_s)} s; for "
        "information: what the day's data adds to a run",
    )
    marginal["status"] = "info"
    ratios.append(marginal)
    ratios.append(
        _ratio(
            "incremental / full (node time)",
            incremental.node_s,
            full.node_s,
            INCREMENTAL_TO_FULL_TARGET,
            f"{_fmt(incremental.node_s)} s / {_fmt(full.node_s)} s; includes dbt's per-model work",
        )
    )
    ratios.append(
        _ratio(
            "incremental / full (wall)",
            incremental.wall_s,
            full.wall_s,
            INCREMENTAL_TO_FULL_TARGET,
            f"{_fmt(incremental.wall_s)} s / {_fmt(full.wall_s)} s",
        )
    )
    return ratios


def _write_report(
    run: _Run,
    steps: list[Step],
    ratios: list[dict[str, Any]],
    rows: tuple[int, int],
    as_of: tuple[str, str],
) -> list[str]:
    """Write the figures as JSON (layout.report); returns the failed checks' names."""
    failures = [check["name"] for check in run.checks if not check["match"]]
    report = {
        "params": asdict(run.params),
        "records_landed": rows[0],
        "records_extra_day": rows[1],
        "as_of": {"full": as_of[0], "incremental": as_of[1]},
        "steps": [
            {**asdict(s), "model_sql_s": s.model_sql_s, "overhead_s": s.overhead_s} for s in steps
        ],
        "ratios": ratios,
        "checks": run.checks,
        "correct": not failures,
    }
    run.layout.report.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nfigures written to {run.layout.report}")
    return failures


def run(args: argparse.Namespace) -> int:
    """Entry point of `trueup benchmark`: prepare the data, time the full builds against the
    floor, dbt's start-up, the incremental builds and the tests, compute the ratios, print
    and write them. Returns 2 on bad options, 1 on a correctness mismatch or failure."""
    layout = _layout(args)
    meters_csv = args.project_dir.resolve() / "seeds" / "meters.csv"
    meters = load_meters(meters_csv)
    problems = _option_problems(args)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    bench = _new_run(args, layout, meters_csv)
    generation, landed_rows, extra_rows = _prepare_data(bench, meters)
    try:
        timings, as_of_full, as_of_next = _time_steps(bench)
    except RuntimeError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    steps = _all_steps(timings, generation, landed_rows + extra_rows)
    ratios = _floor_ratios(timings) + _incremental_ratios(timings)
    print_report(steps, ratios, bench.checks)
    failures = _write_report(
        bench, steps, ratios, (landed_rows, extra_rows), (as_of_full, as_of_next)
    )
    if failures:
        print(f"correctness MISMATCH: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


def run_test_steps(setup: DbtSetup, dbt_vars: dict[str, Any]) -> list[Step]:
    """(d) The usage models' data tests after the incremental day, as a scheduled `dbt build`
    runs them: with the default usage_check_window_days, then over the whole history. Both
    must pass. Unit tests are left out (they do not read the warehouse's data)."""
    select = [
        *USAGE_SELECTION,
        "--exclude",
        "resource_type:unit_test",
        "--indirect-selection",
        "cautious",
    ]
    steps = []
    for name, extra_vars, note in (
        ("(d) data tests, default window", {}, "usage_check_window_days as configured"),
        (
            "(d) data tests, whole history",
            {"usage_check_window_days": None},
            "usage_check_window_days null: every record",
        ),
    ):
        print(f"{name} ...")
        step = run_dbt_step(setup, name, "test", {**dbt_vars, **extra_vars}, select)
        step.note = note
        steps.append(step)
    return steps


def run_floor_step(
    layout: Layout,
    name: str,
    table: str,
    meters_csv: Path,
    args: argparse.Namespace,
    env: dict[str, str],
    *,
    variant: str = "read",
) -> Step:
    """Run the floor in a fresh measured process (`variant`: see run_floor)."""
    out = layout.workdir / f"{table}.json"
    out.unlink(missing_ok=True)
    command = [
        sys.executable, "-m", "trueup_tools.benchmark", "_floor",
        str(layout.floor_db), table, str(layout.landing), str(meters_csv),
        str(args.threads or 0), str(out), variant,
    ]  # fmt: skip
    log = layout.logs / f"{table}.log"
    figures = measured(command, log, env)
    if figures["returncode"] != 0 or not out.exists():
        raise RuntimeError(f"floor ({name}) failed; see {log}:\n{tail(log)}")
    inner = json.loads(out.read_text(encoding="utf-8"))
    note = "SQL s = the query alone; overhead = Python + duckdb start-up"
    if variant == "persist":
        note = (
            f"copies every landed row into a table ({inner['persist_s']:.2f} s), then the "
            "floor's query on it; for information, not the target's floor"
        )
    elif variant == "window":
        note = (
            "the floor with the textbook dedupe (one row_number() window over every record); "
            "for information, not the target's floor"
        )
    return Step(
        name=name,
        wall_s=figures["wall_s"],
        maxrss_gb=figures["maxrss_kb"] / 1024 / 1024,
        returncode=0,
        sql_s=inner["query_s"],
        rows=inner["rows"],
        note=note,
    )


# --------------------------------------------------------------------------------------------
# entry points


def _internal(argv: Sequence[str]) -> int:
    """Hidden helper modes, run in fresh processes by the benchmark itself."""
    mode, rest = argv[0], list(argv[1:])
    if mode == "_measure":
        log, command = Path(rest[0]), rest[rest.index("--") + 1 :]
        print(json.dumps(measure_child(command, log)))
        return 0
    if mode == "_floor":
        database, table, landing, meters_csv, threads, out, variant = rest
        result = run_floor(
            Path(database),
            table,
            Path(landing),
            Path(meters_csv),
            int(threads),
            variant=variant,
        )
        Path(out).write_text(json.dumps(result), encoding="utf-8")
        return 0
    raise SystemExit(f"unknown internal mode {mode}")


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m trueup_tools.benchmark [options]` (also the hidden helper modes)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in INTERNAL_MODES:
        return _internal(argv)
    parser = argparse.ArgumentParser(prog="trueup benchmark", description=__doc__.split("\n")[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
