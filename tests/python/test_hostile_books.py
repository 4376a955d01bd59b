"""A mistyped run never damages the append-only books (issue 18, items 1, 3 and 13).

Hand-written landing files of tenant-001's egress (contract C-1001), billed exactly by one FOCUS
export; the contract's monthly seat fee is never billed, so closing September books an entry.
Each test builds, damages the run the way a careless operator would (a far-future as_of, a
failing data test, a missing or different landing root, a landed file changed or deleted), and
checks that nothing was closed or booked and that the run failed naming what is wrong; then a
good build closes and books normally. Conservation (raw records = accepted + removed
duplicates + quarantined, per file and in total) is checked in each.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import Warehouse
from hostile import AS_OF, assert_conserved, flat_event, jsonl, land
from parsing import parsed_manifest_json, reachable
from trueup_tools import profiles_dir
from trueup_tools.runner import DbtResult

# September's watermark (2026-10-04, period end + 72 h) has passed at AS_OF: it closes there.
BEFORE_SEPTEMBER_CLOSES = "2026-09-20"
SEPTEMBER_EVENTS = "usage/2026-09-10/api-gw-eu.jsonl"
OCTOBER_EVENTS = "usage/2026-10-02/api-gw-eu.jsonl"
FOCUS_EXPORT = "billing/focus/export_date=2026-10-05/focus.csv"
FOCUS_HEADER = (
    "BillingAccountId,SubAccountId,ProviderName,ChargePeriodStart,ChargePeriodEnd,"
    "BillingPeriodStart,ChargeCategory,ChargeClass,SkuId,ConsumedQuantity,ConsumedUnit,"
    "BilledCost,EffectiveCost,BillingCurrency\n"
)


def september_events() -> bytes:
    """Three valid events and one malformed line (quarantined)."""
    return jsonl(
        flat_event("evt-0001", meter="egress_gb", quantity=4000),
        flat_event("evt-0002", meter="egress_gb", quantity=3000),
        flat_event("evt-0003", meter="egress_gb", quantity=3000),
        "{not json",
    )


def october_events() -> bytes:
    return jsonl(
        flat_event(
            "evt-0101",
            meter="egress_gb",
            quantity=50,
            event_ts="2026-10-02T08:00:00Z",
            ingested_at="2026-10-02T08:01:00Z",
        )
    )


def focus_export() -> bytes:
    """A FOCUS export that bills tenant-001's September egress exactly (10000 GB at 0.09)."""
    return (
        FOCUS_HEADER + "acct-1001,acct-1001,ExampleCloud,2026-09-01T00:00:00Z,2026-10-01T00:00:00Z,"
        "2026-09-01T00:00:00Z,Usage,,SKU-EGRESS-GB,10000,GB,900.00,900.00,USD\n"
    ).encode()


RAW_RECORDS = {SEPTEMBER_EVENTS: 4, OCTOBER_EVENTS: 1}


def write_landing(root: Path) -> Path:
    """The module's landing files under root."""
    land(root, SEPTEMBER_EVENTS, september_events())
    land(root, OCTOBER_EVENTS, october_events())
    land(root, FOCUS_EXPORT, focus_export())
    return root


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    return write_landing(tmp_path / "landing")


@pytest.fixture
def warehouse(tmp_path: Path, landing: Path) -> Warehouse:
    return Warehouse(tmp_path / "w.duckdb", landing)


@pytest.fixture(scope="module")
def built_before_close(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """The module's landing built once at BEFORE_SEPTEMBER_CLOSES (every file registered,
    nothing closed yet): where the tests that damage a run after a good build start. Never
    changed: `before_close` hands each test a copy."""
    root = tmp_path_factory.mktemp("before-close")
    base = Warehouse(root / "w.duckdb", write_landing(root / "landing"))
    base.build(BEFORE_SEPTEMBER_CLOSES)
    return base


@pytest.fixture
def before_close(built_before_close: Warehouse, tmp_path: Path) -> Warehouse:
    """A copy of `built_before_close` (its warehouse file, and its landing files with their
    modification times) for one test: the same state as its own build at
    BEFORE_SEPTEMBER_CLOSES, without the build."""
    landing = shutil.copytree(built_before_close.landing, tmp_path / "landing")
    return built_before_close.copy(tmp_path / "w.duckdb", landing)


def messages(result: DbtResult) -> str:
    """Everything a failed run says: node failures and the exception (a hook's error)."""
    return " ".join(result.failures()) + " " + str(result.exception or "")


def count(warehouse: Warehouse, relation: str) -> int:
    """Rows of a relation, 0 when the build never created it."""
    schema, name = relation.split(".")
    if relation not in warehouse.relations():
        return 0
    return warehouse.query(f'select count(*) from "{schema}"."{name}"')[0][0]


def books(warehouse: Warehouse) -> dict[str, int]:
    """Rows of the closes, the frozen rows, the ledger and its heads."""
    return {
        relation: count(warehouse, relation)
        for relation in (
            "finance.fct_period_closes",
            "finance.fct_variance_at_close",
            "finance.fct_adjustment_ledger",
            "ops.fct_ledger_heads",
        )
    }


NOTHING_BOOKED = {
    "finance.fct_period_closes": 0,
    "finance.fct_variance_at_close": 0,
    "finance.fct_adjustment_ledger": 0,
    "ops.fct_ledger_heads": 0,
}


def assert_closes_and_books_september(warehouse: Warehouse) -> None:
    closes = warehouse.query("select distinct period_start from finance.fct_period_closes")
    assert [str(period) for (period,) in closes] == ["2026-09-01"]
    entries = warehouse.query(
        "select tenant_id, meter, reason from finance.fct_adjustment_ledger order by entry_id"
    )
    # the monthly seat fee is owed and not billed; the egress is billed exactly
    assert ("tenant-001", "active_seats", "variance_at_close") in entries
    assert not [entry for entry in entries if entry[:2] == ("tenant-001", "egress_gb")]
    head = warehouse.query(
        "select entry_count from ops.fct_ledger_heads order by recorded_at desc limit 1"
    )
    assert head == [(len(entries),)]


# --------------------------------------------------------------------------- item 1: as_of


def test_far_future_as_of_stops_the_run_before_any_model(warehouse: Warehouse) -> None:
    result = warehouse.dbt("build", as_of="3026-10-20")
    assert not result.success
    text = messages(result)
    assert "Invalid var as_of='3026-10-20 00:00:00.000000'" in text
    assert "later than the wall clock" in text
    assert "allow_future_as_of: true" in text
    assert books(warehouse) == NOTHING_BOOKED
    assert not {r for r in warehouse.relations() if not r.startswith("reference.")}


def test_future_as_of_within_tolerance_or_opted_in_builds(warehouse: Warehouse) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    soon = (now + timedelta(minutes=10)).strftime("%Y-%m-%d %H:%M:%S")
    tomorrow = (now + timedelta(days=1)).strftime("%Y-%m-%d")
    assert not warehouse.dbt("build", as_of=tomorrow).success
    assert not warehouse.dbt("build", as_of=tomorrow, allow_future_as_of="yes").success
    warehouse.build(soon)
    warehouse.build(tomorrow, allow_future_as_of=True)
    assert_conserved(warehouse, RAW_RECORDS)


def test_failing_upstream_test_leaves_no_close_or_entry(tmp_path: Path, landing: Path) -> None:
    """A data test of a model the closes do not read (the quarantine) fails in a build whose
    as_of closes September: nothing is closed or booked and the build fails; without the
    failing test the same build closes and books."""
    from test_contract_seeds import copy_project

    (tmp_path / "project").mkdir()
    project = copy_project(tmp_path / "project")
    check = project / "tests" / "singular" / "assert_nothing_quarantined.sql"
    check.write_text(
        "-- fails when any usage record is quarantined\n"
        "select source_file, line_number from {{ ref('fct_usage_quarantine') }}\n"
    )
    warehouse = Warehouse(tmp_path / "w.duckdb", landing)
    result = run_in(project, warehouse, "build", as_of=AS_OF)
    assert not result.success
    assert "assert_nothing_quarantined" in messages(result)
    assert books(warehouse) == NOTHING_BOOKED
    assert_conserved(warehouse, RAW_RECORDS)

    check.unlink()
    assert run_in(project, warehouse, "build", as_of=AS_OF).success
    assert_closes_and_books_september(warehouse)


def test_plain_run_closes_and_books_nothing(warehouse: Warehouse) -> None:
    assert warehouse.dbt("seed", as_of=AS_OF).success
    result = warehouse.dbt("run", as_of=AS_OF)
    assert result.success, result.failures()
    assert count(warehouse, "finance.fct_trueup_variance") > 0
    assert books(warehouse) == NOTHING_BOOKED
    result = warehouse.dbt("build", as_of=AS_OF, extra=["--exclude-resource-type", "test"])
    assert result.success, result.failures()
    assert books(warehouse) == NOTHING_BOOKED
    warehouse.build(AS_OF)
    assert_closes_and_books_september(warehouse)
    assert_conserved(warehouse, RAW_RECORDS)


def run_in(
    project: Path, warehouse: Warehouse, command: str, parsed: bytes | None = None, **dbt_vars: Any
) -> DbtResult:
    """A dbt command on a copy of the project, against the test's warehouse and landing. It
    parses the copy itself, or takes `parsed` (`parse_in`): a build that changes only a seed's
    rows (read when it runs) needs no new parse."""
    from dbt.contracts.graph.manifest import Manifest
    from dbt.parser.manifest import extended_mashumuro_decoder

    manifest = None
    if parsed is not None:  # a fresh copy: dbt writes compiled SQL into the nodes it runs
        manifest = Manifest.from_msgpack(parsed, decoder=extended_mashumuro_decoder)
    outcome = _invoke_in(project, warehouse, command, dbt_vars, manifest)
    results = list(outcome.result.results) if outcome.result is not None else []
    return DbtResult(outcome.success, outcome.exception, results)


def parse_in(project: Path, warehouse: Warehouse) -> bytes:
    """The copy's manifest for `run_in(..., parsed)`, in dbt's serialized form."""
    from dbt.parser.manifest import extended_mashumaro_encoder

    outcome = _invoke_in(project, warehouse, "parse", {}, None)
    assert outcome.success, outcome.exception
    return outcome.result.to_msgpack(extended_mashumaro_encoder)


def _invoke_in(
    project: Path, warehouse: Warehouse, command: str, dbt_vars: dict[str, Any], manifest: Any
) -> Any:
    from dbt.cli.main import dbtRunner

    all_vars = {"landing_path": str(warehouse.landing), **dbt_vars}
    previous = os.environ.get("TRUEUP_DUCKDB_PATH")
    os.environ["TRUEUP_DUCKDB_PATH"] = str(warehouse.path)
    try:
        return dbtRunner(manifest=manifest).invoke(
            [
                command,
                "--project-dir",
                str(project),
                "--profiles-dir",
                str(profiles_dir(project)),
                "--vars",
                json.dumps(all_vars),
            ]
        )
    finally:
        if previous is None:
            os.environ.pop("TRUEUP_DUCKDB_PATH", None)
        else:
            os.environ["TRUEUP_DUCKDB_PATH"] = previous


# ------------------------------------------------------------------ item 3: the landing root


def test_missing_landing_root_stops_the_run_before_any_model(tmp_path: Path) -> None:
    missing = tmp_path / "landng"
    warehouse = Warehouse(tmp_path / "w.duckdb", missing)
    result = warehouse.dbt("build", as_of=AS_OF)
    assert not result.success
    assert f"Landing root {missing} does not exist" in messages(result)
    assert not {r for r in warehouse.relations() if not r.startswith("reference.")}


def test_a_different_root_after_a_good_build_stops_before_closing(
    before_close: Warehouse, tmp_path: Path
) -> None:
    """After a build that saw the files, a build over an existing but empty root (a typo that
    happens to exist, an unmounted volume's mount point) does not close or book: it stops
    saying what is missing."""
    warehouse = before_close  # built at BEFORE_SEPTEMBER_CLOSES
    before = books(warehouse)
    assert before["finance.fct_period_closes"] == 0
    empty = tmp_path / "mnt-landing"
    empty.mkdir()
    elsewhere = Warehouse(warehouse.path, empty)
    result = elsewhere.dbt("build", as_of=AS_OF)
    assert not result.success
    text = messages(result)
    assert f"landing files changed or missing under {empty}" in text
    assert "(2 of 2 registered usage files missing)" in text
    assert f"usage file {SEPTEMBER_EVENTS} (" in text
    assert f"usage file {OCTOBER_EVENTS} (" in text
    assert books(warehouse) == before
    incidents = warehouse.query(
        "select source_file, incident_type from ops.fct_landing_file_incidents order by 1"
    )
    assert incidents == [(SEPTEMBER_EVENTS, "missing"), (OCTOBER_EVENTS, "missing")]

    warehouse.build(AS_OF)
    assert_closes_and_books_september(warehouse)
    assert_conserved(warehouse, RAW_RECORDS)


def test_billing_export_gone_for_a_period_that_had_one_stops_before_closing(
    warehouse: Warehouse, landing: Path, tmp_path: Path
) -> None:
    warehouse.build("2026-10-06")  # September's watermark passed: closed, export seen
    assert_closes_and_books_september(warehouse)
    before = books(warehouse)
    export = landing / FOCUS_EXPORT
    kept = tmp_path / "focus.csv"
    shutil.move(export, kept)
    result = warehouse.dbt("build", as_of=AS_OF)
    assert not result.success
    text = messages(result)
    assert "(1 of 1 registered billing files missing)" in text
    assert f"billing export {FOCUS_EXPORT} (export_date 2026-10-05, " in text
    assert books(warehouse) == before  # no rebill of September's billed amount

    shutil.move(kept, export)
    warehouse.build(AS_OF)
    after = books(warehouse)
    after.pop("ops.fct_ledger_heads")
    before.pop("ops.fct_ledger_heads")
    assert after == before  # the export is back: nothing new to book
    assert_conserved(warehouse, RAW_RECORDS)


def test_replay_that_sees_fewer_exports_is_no_incident(warehouse: Warehouse) -> None:
    warehouse.build(AS_OF)
    seen = warehouse.query("select source_file from intermediate.int_landing_files_registered")
    assert (FOCUS_EXPORT,) in seen
    warehouse.build(BEFORE_SEPTEMBER_CLOSES)  # the export is not visible yet: a replay
    assert count(warehouse, "ops.fct_landing_file_incidents") == 0
    assert_conserved(warehouse, RAW_RECORDS)


# ------------------------------------------------------------ item 13: files are immutable


def test_loaded_file_changed_is_an_incident_naming_it(before_close: Warehouse) -> None:
    warehouse = before_close  # built at BEFORE_SEPTEMBER_CLOSES
    landing = warehouse.landing
    before = books(warehouse)
    path = landing / SEPTEMBER_EVENTS
    original = path.read_bytes()
    path.write_bytes(original + jsonl(flat_event("evt-0004", quantity=5000)))
    result = warehouse.dbt("build", as_of=AS_OF)
    assert not result.success
    text = messages(result)
    assert f"{SEPTEMBER_EVENTS} changed after it was loaded: {len(original)} bytes" in text
    assert books(warehouse) == before
    rows = warehouse.query(
        "select source_file, incident_type, registered_size_bytes, current_size_bytes, "
        "is_acknowledged from ops.fct_landing_file_incidents"
    )
    assert rows == [(SEPTEMBER_EVENTS, "changed", len(original), path.stat().st_size, False)]

    path.write_bytes(original)  # the operator restores the file
    warehouse.build(AS_OF)
    assert count(warehouse, "ops.fct_landing_file_incidents") == 0
    assert_closes_and_books_september(warehouse)
    assert_conserved(warehouse, RAW_RECORDS)


def test_same_size_rewrite_is_caught_by_its_checksum(before_close: Warehouse) -> None:
    warehouse = before_close  # built at BEFORE_SEPTEMBER_CLOSES
    landing = warehouse.landing
    before = books(warehouse)
    path = landing / SEPTEMBER_EVENTS
    original = path.read_bytes()
    changed = original.replace(b'"quantity": 4000', b'"quantity": 9000')
    assert len(changed) == len(original) and changed != original
    path.write_bytes(changed)
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 5))
    result = warehouse.dbt("build", as_of=AS_OF)
    assert not result.success
    assert f"{SEPTEMBER_EVENTS} changed after it was loaded" in messages(result)
    assert books(warehouse) == before


def test_touched_but_identical_file_is_no_incident(before_close: Warehouse) -> None:
    warehouse = before_close  # built at BEFORE_SEPTEMBER_CLOSES
    landing = warehouse.landing
    path = landing / SEPTEMBER_EVENTS
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 60))
    warehouse.build(AS_OF)
    assert count(warehouse, "ops.fct_landing_file_incidents") == 0
    assert_closes_and_books_september(warehouse)
    assert_conserved(warehouse, RAW_RECORDS)


def test_file_lost_before_a_full_refresh_is_still_caught(before_close: Warehouse) -> None:
    warehouse = before_close  # built at BEFORE_SEPTEMBER_CLOSES
    landing = warehouse.landing
    before = books(warehouse)
    (landing / OCTOBER_EVENTS).unlink()
    result = warehouse.dbt("build", as_of=AS_OF, extra=["--full-refresh"])
    assert not result.success
    assert f"usage file {OCTOBER_EVENTS} (" in messages(result)
    assert "(1 of 2 registered usage files missing)" in messages(result)
    assert books(warehouse) == before


def test_acknowledged_removal_lets_the_build_close(before_close: Warehouse, tmp_path: Path) -> None:
    from test_contract_seeds import copy_project

    (tmp_path / "project").mkdir()
    project = copy_project(tmp_path / "project")
    # the copy's build at BEFORE_SEPTEMBER_CLOSES is the project's: its seeds are not changed yet
    warehouse = before_close
    landing = warehouse.landing
    parsed = parse_in(project, warehouse)  # the seed's new row is read when the build runs
    (sha,) = warehouse.query(
        "select registered_sha256 from intermediate.int_landing_files_registered "
        "where source_file = ?",
        [OCTOBER_EVENTS],
    )[0]
    (landing / OCTOBER_EVENTS).unlink()
    assert not run_in(project, warehouse, "build", parsed, as_of=AS_OF).success
    with (project / "seeds" / "landing_file_acknowledgements.csv").open("a") as handle:
        handle.write(f"{OCTOBER_EVENTS},{sha},ops-oncall,2026-10-20,duplicate upload removed\n")
    assert run_in(project, warehouse, "build", parsed, as_of=AS_OF).success
    rows = warehouse.query(
        "select source_file, incident_type, is_acknowledged, acknowledged_by "
        "from ops.fct_landing_file_incidents"
    )
    assert rows == [(OCTOBER_EVENTS, "missing", True, "ops-oncall")]
    assert_closes_and_books_september(warehouse)
    # the records loaded before the removal stay in the books
    assert_conserved(warehouse, RAW_RECORDS)


def test_every_upstream_data_test_runs_before_the_closes(tmp_path: Path) -> None:
    """In the parsed project, every data test whose models are all outside the close process
    tests only models upstream of fct_variance_at_close, so that `dbt build` runs it before any
    close or booking (and skips them when it fails): a new model must join the closes' inputs."""
    manifest = parsed_manifest_json(tmp_path / "target")
    parents: dict[str, list[str]] = manifest["parent_map"]
    children: dict[str, list[str]] = manifest["child_map"]

    gate = "model.trueup.fct_variance_at_close"
    upstream = reachable(gate, parents)
    closes = reachable(gate, children) | {gate}
    checked = 0
    for node, node_parents in parents.items():
        if not node.startswith("test."):
            continue
        tested = [p for p in node_parents if p.startswith(("model.", "seed."))]
        if not tested or any(p in closes for p in tested):
            continue
        checked += 1
        assert all(p in upstream for p in tested), (node, tested)
    assert checked > 100
