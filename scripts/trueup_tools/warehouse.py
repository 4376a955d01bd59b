"""Opening the DuckDB warehouse for reading, with a clear message while a build writes it."""

from __future__ import annotations

from pathlib import Path

import duckdb


class WarehouseBusyError(Exception):
    """Another process (a dbt build) holds the warehouse file's lock."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"The warehouse {path} is being written by another process (a dbt build): "
            "try again when it has finished."
        )
        self.path = path


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
