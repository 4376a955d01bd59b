"""Shared fixtures: generated sample data with its ground truth, and DuckDB warehouses built
from it with dbt (in-process, through dbtRunner)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from trueup_tools.generate import GeneratorConfig, generate
from trueup_tools.runner import DbtResult, run_dbt


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
        **dbt_vars: Any,
    ) -> DbtResult:
        """Run a dbt command against this warehouse with the given vars."""
        all_vars = {"landing_path": str(self.landing), **dbt_vars}
        if as_of is not None:
            all_vars["as_of"] = as_of
        previous = os.environ.get("TRUEUP_DUCKDB_PATH")
        os.environ["TRUEUP_DUCKDB_PATH"] = str(self.path)
        try:
            return run_dbt(command, dbt_vars=all_vars, extra=extra)
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
