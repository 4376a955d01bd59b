"""The DuckDB warehouse file: where it is, and opening it for reading with clear messages.

The profile's `path` (default `data/warehouse/trueup.duckdb`, env TRUEUP_DUCKDB_PATH) is
relative to the project directory, never to the working directory: `resolve` is the one rule,
used by the dbt-duckdb plugin (trueup_tools.duckdb_landing) for dbt and `mf`, and by the
trueup commands. Only a command that writes creates a missing warehouse; the read-only
commands (`trueup summary`, `check`, `query`) say what to run instead, through
`open_built`.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from trueup_tools import PROJECT_DIR

DEFAULT_PATH = "data/warehouse/trueup.duckdb"
"""The duckdb target's warehouse, relative to the project directory (profiles.yml)."""

PATH_ENV = "TRUEUP_DUCKDB_PATH"

BUILD_HINT = "`trueup build` (or ./run.sh for the sample data, or `dbt build` in the project)"


def is_file_path(path: str) -> bool:
    """Whether a DuckDB `path` names a local file (not `:memory:`, MotherDuck or a URL)."""
    text = path.strip()
    return bool(text) and not text.startswith(":memory:") and ":" not in text.split("/")[0]


def resolve(path: str | os.PathLike[str], project_dir: Path = PROJECT_DIR) -> Path:
    """The warehouse file `path` names: an absolute path as it is (after ~ expansion), a
    relative one against the project directory."""
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else Path(project_dir) / candidate


def warehouse_path(project_dir: Path = PROJECT_DIR) -> Path:
    """The duckdb target's warehouse file: env TRUEUP_DUCKDB_PATH, else the default, relative
    paths against the project directory (what the dbt-duckdb plugin opens)."""
    return resolve(os.environ.get(PATH_ENV) or DEFAULT_PATH, project_dir)


class WarehouseBusyError(Exception):
    """Another process (a dbt build) holds the warehouse file's lock."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"The warehouse {path} is being written by another process (a dbt build): "
            "try again when it has finished."
        )
        self.path = path


class WarehouseNotBuiltError(Exception):
    """The warehouse file does not exist, or holds none of the project's marts."""

    def __init__(self, path: Path, *, missing: bool, command: str) -> None:
        if missing:
            what = f"No warehouse at {path}"
        else:
            what = f"The warehouse {path} holds none of the finance marts (nothing was built in it)"
        super().__init__(
            f"{what}: {command} reads the marts of a build and never creates them. Build first "
            f"with {BUILD_HINT}; to read another warehouse, set {PATH_ENV} (a relative path is "
            "relative to the project directory)."
        )
        self.path = path
        self.missing = missing


def connect(path: Path, *, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse file at `path`.

    DuckDB locks the file exclusively while a build writes it; opening it then fails at once,
    also read-only. That case raises WarehouseBusyError (its message says what to do); any
    other error propagates. In a process that has just run dbt, pass read_only=False: DuckDB
    refuses a second connection to the same file with a different configuration.
    """
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as error:
        if "lock" not in str(error).lower():
            raise
        raise WarehouseBusyError(path) from error


def has_marts(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the connected warehouse holds a `finance` schema with at least one relation."""
    row = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'finance' and table_catalog = current_database()"
    ).fetchall()[0]
    return bool(row[0])


def open_built(path: Path, *, command: str, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """A connection to a warehouse that a build has filled, for the read-only command
    `command` (named in the message): raises WarehouseNotBuiltError when the file is missing
    (without creating it) or holds no finance mart, WarehouseBusyError while a build holds it.
    """
    if not path.is_file():
        raise WarehouseNotBuiltError(path, missing=True, command=command)
    con = connect(path, read_only=read_only)
    try:
        built = has_marts(con)
    except BaseException:
        con.close()
        raise
    if not built:
        con.close()
        raise WarehouseNotBuiltError(path, missing=False, command=command)
    return con


def show_or_write_csv(
    relation: duckdb.DuckDBPyRelation, csv: Path | None, max_rows: int, label: str = ""
) -> None:
    """A query's result: printed as a table, or written exactly to `csv` with a line that says
    how many rows went where (`label` names what was run)."""
    if csv is None:
        relation.show(max_rows=max_rows, max_width=200)
        return
    relation.write_csv(str(csv))
    print(f"{label}{relation.shape[0]} rows written to {csv}")
