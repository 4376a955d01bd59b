"""Shared fixtures: generated sample data with its ground truth, and DuckDB warehouses built
from it with dbt (in-process, through dbtRunner).

How the suite stays fast (docs/testing.md tells the whole story):

- One parse per warehouse name. dbt parses the project fully whenever the CLI vars or the
  profile change, and every test's build has other vars (as_of, landing_path) and another
  profile (the DuckDB path is part of it). Nothing the project parses depends on either: no
  config(), `enabled` or source reads a var, an env var or the target (the on-run-start hook
  checks the vars at parse time too, and again when it runs); the only profile input the
  manifest records is the database name, which dbt-duckdb takes from the warehouse file's
  name (w.duckdb: database w). So `Warehouse.dbt` parses once per file name and hands each
  invocation a fresh copy of that manifest (`dbtRunner(manifest=...)`), which skips parsing.
  The suite passing unchanged is the proof; a test that needs dbt's own parse (it reads
  manifest.json, or changes project files) invokes dbt itself.
- Builds exclude the dbt unit tests (`--exclude-resource-type unit_test`, like production
  builds, decisions.md item 5): test_unit_tests.py runs every unit test once.
- Each pytest process (one per pytest-xdist worker) writes dbt's target and logs to its own
  folders (`target/pytest-<worker>`, `logs/pytest-<worker>`): two workers never share them.
- pytest-xdist runs the tests on two workers by module (`--dist loadscope`, see test.sh): a
  module's fixtures are built once, and the modules that cost the most are handed out first.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from trueup_tools import PROJECT_DIR
from trueup_tools.generate import GeneratorConfig, generate
from trueup_tools.runner import DbtResult, dbt_args, run_dbt

# --------------------------------------------------------------------------- dbt per worker

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
"""This pytest process: gw0, gw1, ... under pytest-xdist, else main."""

TARGET_PATH = PROJECT_DIR / "target" / f"pytest-{WORKER}"
LOG_PATH = PROJECT_DIR / "logs" / f"pytest-{WORKER}"


def worker_paths() -> list[str]:
    """dbt flags that send this process's target/ and logs/ to its own folders. For every dbt
    invocation of the tests on the project itself (copies of the project have their own)."""
    return ["--target-path", str(TARGET_PATH), "--log-path", str(LOG_PATH)]


def worker_env() -> dict[str, str]:
    """The same for a subprocess that runs dbt on the project (the trueup CLI)."""
    return {"DBT_TARGET_PATH": str(TARGET_PATH), "DBT_LOG_PATH": str(LOG_PATH)}


# commands that take an already parsed manifest (parse and docs generate write their own)
REUSES_MANIFEST = frozenset({"build", "run", "seed", "test", "compile", "show"})
# flags that change what is parsed: an invocation with one of them parses for itself
PARSE_FLAGS = frozenset({"--target", "-t", "--project-dir", "--profiles-dir", "--vars"})
_parsed: dict[tuple[str, str], bytes] = {}


def parsed_manifest(landing_path: str, database: Path):
    """A fresh copy of the project's manifest for warehouse files named like `database`, or
    None when the project does not parse (the invocation then parses and reports it itself).

    Parsed on first use per (target, file name), with the landing root as the only var (the
    on-run-start hook validates the vars at parse time too; the invocation's hook validates
    the invocation's vars when it runs), and kept in dbt's own serialized form (that of
    partial_parse.msgpack): each invocation gets its own copy, since dbt writes compiled SQL
    into the nodes it runs."""
    from dbt.cli.main import dbtRunner
    from dbt.contracts.graph.manifest import Manifest
    from dbt.parser.manifest import extended_mashumaro_encoder, extended_mashumuro_decoder

    key = (os.environ.get("TRUEUP_TARGET", "duckdb"), database.name)
    if key not in _parsed:
        args = dbt_args("parse", dbt_vars={"landing_path": landing_path}, extra=worker_paths())
        previous = os.environ.get("TRUEUP_DUCKDB_PATH")
        os.environ["TRUEUP_DUCKDB_PATH"] = str(database)
        try:
            result = dbtRunner().invoke(args)
        finally:
            _restore("TRUEUP_DUCKDB_PATH", previous)
        if not result.success:
            return None
        _parsed[key] = result.result.to_msgpack(extended_mashumaro_encoder)
    return Manifest.from_msgpack(_parsed[key], decoder=extended_mashumuro_decoder)


def _restore(name: str, value: str | None) -> None:
    """Put environment variable `name` back to `value` (None: unset)."""
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


@dataclass
class Warehouse:
    """One DuckDB warehouse file built by dbt from one landing folder."""

    path: Path
    landing: Path

    def dbt(
        self,
        command: str = "build",
        *,
        as_of: str | None = None,
        extra: Sequence[str] = (),
        unit_tests: bool = False,
        **dbt_vars: Any,
    ) -> DbtResult:
        """Run a dbt command against this warehouse with the given vars. `build` and `test`
        leave out the dbt unit tests unless `unit_tests` (test_unit_tests.py runs them)."""
        all_vars = {"landing_path": str(self.landing), **dbt_vars}
        if as_of is not None:
            all_vars["as_of"] = as_of
        flags = [*worker_paths(), *extra]
        if command in {"build", "test"} and not unit_tests:
            flags = ["--exclude-resource-type", "unit_test", *flags]
        previous = os.environ.get("TRUEUP_DUCKDB_PATH")
        os.environ["TRUEUP_DUCKDB_PATH"] = str(self.path)
        try:
            manifest = None
            if command in REUSES_MANIFEST and not PARSE_FLAGS & set(extra):
                manifest = parsed_manifest(str(all_vars["landing_path"]), self.path)
            return run_dbt(command, dbt_vars=all_vars, extra=flags, manifest=manifest)
        finally:
            if previous is None:
                os.environ.pop("TRUEUP_DUCKDB_PATH", None)
            else:
                os.environ["TRUEUP_DUCKDB_PATH"] = previous

    def build(self, as_of: str | None = None, *, extra: Sequence[str] = (), **dbt_vars: Any):
        """dbt build that must succeed; returns the result."""
        result = self.dbt("build", as_of=as_of, extra=extra, **dbt_vars)
        assert result.success, f"dbt build failed: {result.failures()} {result.exception}"
        return result

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Rows of a query. A plain connection: dbt may still hold the file in this process."""
        con = duckdb.connect(str(self.path))
        try:
            return con.execute(sql, list(params)).fetchall()
        finally:
            con.close()

    def copy(self, path: Path, landing: Path | None = None) -> Warehouse:
        """A copy of this warehouse's file at `path` (over `landing`, else the same landing):
        checkpointed first, so that everything is in the file and nothing left in the WAL."""
        self.query("checkpoint")
        shutil.copy2(self.path, path)
        return Warehouse(path, self.landing if landing is None else landing)

    def relations(self) -> set[str]:
        """schema.name of every table and view in the warehouse."""
        if not self.path.exists():
            return set()
        rows = self.query("select table_schema || '.' || table_name from information_schema.tables")
        return {name for (name,) in rows}


@dataclass
class Dataset:
    """Generated landing files, their ground truth and the config that made them."""

    root: Path
    config: GeneratorConfig
    manifest: dict

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def truth(self) -> Path:
        return self.root / "truth"

    @property
    def as_of(self) -> str:
        """The as_of at which everything generated is visible."""
        return self.manifest["as_of_utc"]

    def faults(self) -> dict:
        return json.loads((self.truth / "usage_faults.json").read_text())


def make_dataset(root: Path, **overrides: Any) -> Dataset:
    """Generate sample data (default options unless overridden) under root."""
    config = GeneratorConfig(**overrides)
    manifest = generate(config, root)
    return Dataset(root=root, config=config, manifest=manifest)


@pytest.fixture(scope="session")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    """The default sample data set (every fault kind, all formats and shapes)."""
    return make_dataset(tmp_path_factory.mktemp("dataset"), wide_quantity_rate=0.004)


@pytest.fixture(scope="session")
def built(dataset: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    """A warehouse built once from the default data set at its final as_of."""
    warehouse = Warehouse(tmp_path_factory.mktemp("built") / "w.duckdb", dataset.landing)
    warehouse.build(dataset.as_of)
    yield warehouse


@pytest.fixture
def fresh_warehouse(tmp_path: Path, dataset: Dataset) -> Warehouse:
    """An empty warehouse over the default data set, for tests that build themselves."""
    return Warehouse(tmp_path / "w.duckdb", dataset.landing)


# --------------------------------------------------------------------------- the README walk

WALK_WAIT_SECONDS = 3600
"""How long a worker waits for the README walk another worker is running."""


@pytest.fixture(scope="session")
def readme_walk(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The README walk (test_readme_walk.run_walk), run ONCE per test run: its `./run.sh` is
    the real-clock demo that test_demo.py checks, and its later commands are the README's
    everyday sequence. Under pytest-xdist the first worker that asks (for this or for
    `readme_walk_demo`) runs it in the run's shared temporary folder (an atomic mkdir is the
    lock) and writes what each command did to readme-walk.json; a worker that asks later
    waits for that file."""
    return _readme_walk(tmp_path_factory, WALK_RECORD)


@pytest.fixture(scope="session")
def readme_walk_demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The README walk up to its `./run.sh` (test_demo.py's real-clock demo): the same record
    as `readme_walk`'s, written as soon as the demo has run and its project was kept, so a
    worker that waits for it does not wait for the rest of the walk."""
    return _readme_walk(tmp_path_factory, WALK_DEMO_RECORD)


WALK_RECORD = "readme-walk.json"
WALK_DEMO_RECORD = "readme-walk-demo.json"


def _readme_walk(factory: pytest.TempPathFactory, wanted: str) -> dict[str, Any]:
    import test_readme_walk  # a test module: imported only when asked

    base = factory.getbasetemp()
    shared = base.parent if WORKER != "main" else base
    record = shared / WALK_RECORD
    try:
        (shared / "readme-walk.lock").mkdir()
    except FileExistsError:  # another worker runs it (or this one ran it): wait for its record
        waited = 0.0
        while not (shared / wanted).exists() and not record.exists():
            if waited > WALK_WAIT_SECONDS:
                pytest.fail(f"the README walk of another worker wrote no {wanted} in time")
            time.sleep(2)
            waited += 2
    else:
        try:
            walk = test_readme_walk.run_walk(
                shared / "readme-walk",
                on_demo=lambda demo: _write_atomically(shared / WALK_DEMO_RECORD, demo),
            )
        except BaseException as error:  # a waiting worker must not wait for ever
            _write_atomically(record, {"failed": f"{type(error).__name__}: {error}"})
            raise
        _write_atomically(record, walk)
    path = shared / wanted if (shared / wanted).exists() else record
    walk = json.loads(path.read_text())
    if "failed" in walk:
        pytest.fail(f"the README walk failed on another worker: {walk['failed']}")
    return walk


def _write_atomically(path: Path, value: Any) -> None:
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(value))
    partial.replace(path)


# --------------------------------------------------------------------------- scheduling

# What each module cost in the old suite (seconds, a profiling run on a loaded machine, whole
# modules: fixtures included). test.sh runs pytest-xdist with `--dist loadscope`: every test of
# a module runs on one worker, so its module fixtures are built once; the modules are handed out
# in this order, the most expensive first, so that the two workers finish together. A module
# not listed comes after these, in pytest's order. Session fixtures (`dataset`, `built`) are
# built once per worker that needs them.
MODULE_COST = {
    # test_hostile_books: one base build copied per test (490 s alone before, 364 s after, on a
    # loaded machine); test_hostile_reading: the usage reading subgraph only (about 0.28 of its
    # old time, measured back to back)
    "test_hostile_books.py": 440,
    "test_usage_e2e.py": 500,
    "test_hostile_tooling.py": 414,
    "test_close_e2e.py": 250,
    # the README walk (its ./run.sh is also test_demo's real-clock demo, run once per test run:
    # `readme_walk`) and test_demo (the 2031 demo, then it reads the walk's): on two workers
    # they start early and overlap; before, unlisted, they started last and ran alone at the end
    "test_readme_walk.py": 200,
    "test_demo.py": 180,
    "test_quality_checkpoint.py": 150,
    "test_hostile_values.py": 150,
    "test_usage_checks.py": 120,
    "test_benchmark.py": 116,
    "test_semantic_layer.py": 100,
    "test_governance.py": 80,
    "test_hostile_bounds.py": 76,
    "test_hostile_reading.py": 150,
    "test_contract_seeds.py": 60,
    "test_finance_analyses.py": 60,
    "test_focus_export.py": 45,
    "test_billing_e2e.py": 35,
    # the upgrade test builds the previous release twice, then this one (about 170 s in all)
    "test_deprecated_names.py": 170,
}

# The slowest tests (a module: all its tests), marked `slow` (so are tests decorated
# @pytest.mark.slow): ./test.sh's default set leaves them out (TRUEUP_SLOW_TESTS=skip, below);
# `./test.sh --all`, CI (.ci/run) and a plain pytest run them. Each costs a minute or more of
# builds of its own that no other test shares: the day-by-day build (126 s), the small benchmark
# (103 s), the close schedule (its fixture 83 s, then its tests), and the README walk, whose
# `./run.sh` is test_demo's real-clock demo (223 s), with test_demo's 2031 demo under
# libfaketime (70 s), and the upgrade from the old ops names (two builds of the previous release,
# then one of this one), and eight usage and books tests that each build a warehouse of their
# own (30-45 s each). Every other test runs by default.
SLOW = (
    "test_usage_e2e.py::test_day_by_day_equals_one_build",
    "test_benchmark.py::test_small_benchmark_equals_floor_and_landed_files",
    "test_close_e2e.py",
    "test_readme_walk.py",
    "test_demo.py",
    "test_deprecated_names.py::test_an_upgrade_keeps_the_books_built_under_the_old_names",
    # whole builds of their own after a base (30-45 s each on 2 workers): the default set keeps
    # the rest of their modules (the same models, vars and fixtures); CI runs these too
    "test_usage_e2e.py::test_files_missing_from_the_register_are_not_read_again",
    "test_usage_e2e.py::test_replay_reproduces_what_was_known_then",
    "test_usage_e2e.py::test_out_of_order_file_is_absorbed",
    "test_usage_e2e.py::test_lost_watermark_rebuilds_the_duplicates",
    "test_hostile_books.py::test_acknowledged_removal_lets_the_build_close",
    "test_hostile_books.py::test_failing_upstream_test_leaves_no_close_or_entry",
    "test_hostile_books.py::test_billing_export_gone_for_a_period_that_had_one_stops_before_closing",
    "test_hostile_books.py::test_future_as_of_within_tolerance_or_opted_in_builds",
)


SLOW_TESTS = os.environ.get("TRUEUP_SLOW_TESTS", "run")
"""`skip` (./test.sh's default set): the tests marked slow are left out, unless the run gives
its own `-m`. `run` (the default of a plain pytest, `./test.sh --all`, CI): they run."""


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the slowest tests (and leave them out of ./test.sh's default set) and put the most
    expensive modules first (a stable sort: the tests of a module keep their order, and so do
    the modules of equal cost)."""
    for item in items:
        test_id = item.nodeid.removeprefix("tests/python/")
        if any(test_id == slow or test_id.startswith(f"{slow}::") for slow in SLOW):
            item.add_marker(pytest.mark.slow)
    left_out = [item for item in items if item.get_closest_marker("slow")]  # decorated too
    if SLOW_TESTS not in {"run", "skip"}:
        raise pytest.UsageError(f"TRUEUP_SLOW_TESTS must be run or skip, got {SLOW_TESTS!r}")
    if SLOW_TESTS == "skip" and not config.option.markexpr and left_out:
        config.hook.pytest_deselected(items=left_out)
        ids = {item.nodeid for item in left_out}
        items[:] = [item for item in items if item.nodeid not in ids]
    items.sort(key=lambda item: -MODULE_COST.get(item.path.name, 0))
