"""The project's dbt-duckdb plugin: where the warehouse is, and the exact landing readers.

dbt-duckdb loads this module as a plugin (``plugins:`` in ``profiles.yml``, at the project root).
Right before it opens the DuckDB file it calls ``Plugin.update_connection_config``, which

- resolves a relative warehouse ``path`` against the project directory (dbt's ``--project-dir``,
  else the folder above the working directory that holds ``dbt_project.yml``, as dbt finds it),
  never against the working directory, and
- refuses to create a missing warehouse file unless the dbt command writes (build, run, seed,
  snapshot): ``dbt compile``/``show``/``test``/``docs generate``, ``mf`` and the like stop with
  a message naming the path and what to run, and leave no empty file behind.

Then it calls ``Plugin.configure_connection`` on every connection, so the project's SQL can call:

- ``trueup_landing_files(root, folder)``: every regular file below ``root/folder``, by its exact
  name (no glob patterns: names may contain any character), with its path relative to the
  landing root, its size and modification time. The root must exist (a typo or an unmounted
  volume must not look like a quiet day). Symbolic links are followed only when they resolve
  inside the landing root; a link that leads outside it stops the build naming the link and its
  target, so that whoever can write the landing folder cannot make the build read other files.
- ``trueup_file_sha256(path)``: the SHA-256 of a file's bytes (hex), to tell later whether a
  loaded file changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sys
from pathlib import Path
from typing import Any

import duckdb

from trueup_tools import duckdb_jsonl, warehouse
from trueup_tools.duckdb_jsonl import VARCHAR, SqlFunction

WRITING_COMMANDS = frozenset({"build", "run", "seed", "snapshot"})
"""The dbt commands that may create a missing warehouse file."""

LANDED_FILE = duckdb.struct_type(
    {
        "path": duckdb.sqltype("VARCHAR"),
        "source_file": duckdb.sqltype("VARCHAR"),
        "size_bytes": duckdb.sqltype("BIGINT"),
        "modified_at": duckdb.sqltype("TIMESTAMP"),
    }
)


class LandingError(ValueError):
    """The landing folder cannot be read as the project's contract requires."""


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def landing_files(root: str, folder: str) -> list[dict[str, Any]]:
    """Every regular file below root/folder, sorted by its path relative to root."""
    if not os.path.isdir(root):
        what = "is not a folder" if os.path.exists(root) else "does not exist"
        raise LandingError(
            f"Landing root {root} {what}. Set landing_path (or TRUEUP_LANDING_PATH) to an "
            "existing folder; an existing empty folder means no data."
        )
    real_root = os.path.realpath(root)
    start = os.path.join(root, folder) if folder else root
    found: list[dict[str, Any]] = []
    seen_dirs: set[str] = set()

    def refuse_outside(entry_path: str, target: str) -> None:
        relative = os.path.relpath(entry_path, root).replace(os.sep, "/")
        raise LandingError(
            f"Landing entry {relative} is a symbolic link to {target}, outside the landing "
            f"root {real_root}: trueup reads only files inside the landing root. Remove the "
            "link, or copy the file into the landing folder."
        )

    def walk(directory: str) -> None:
        real_dir = os.path.realpath(directory)
        if real_dir in seen_dirs:
            return
        seen_dirs.add(real_dir)
        with os.scandir(directory) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                entry_path = os.path.join(directory, entry.name)
                if entry.is_symlink():
                    target = os.path.realpath(entry_path)
                    if not _inside(target, real_root):
                        refuse_outside(entry_path, target)
                if entry.is_dir(follow_symlinks=True):
                    walk(entry_path)
                elif entry.is_file(follow_symlinks=True):
                    stat = entry.stat(follow_symlinks=True)
                    found.append(
                        {
                            "path": entry_path,
                            "source_file": os.path.relpath(entry_path, root).replace(os.sep, "/"),
                            "size_bytes": stat.st_size,
                            "modified_at": dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC).replace(
                                tzinfo=None
                            ),
                        }
                    )

    if os.path.isdir(start):
        if os.path.islink(start.rstrip(os.sep)):
            target = os.path.realpath(start)
            if not _inside(target, real_root):
                refuse_outside(start, target)
        walk(start)
    found.sort(key=lambda f: f["source_file"])
    return found


def file_sha256(path: str) -> str:
    """Hex SHA-256 of the file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


FUNCTIONS = (
    SqlFunction(
        "trueup_landing_files",
        landing_files,
        (VARCHAR, VARCHAR),
        duckdb.list_type(LANDED_FILE),
        side_effects=True,
    ),
    SqlFunction("trueup_file_sha256", file_sha256, (VARCHAR,), VARCHAR, side_effects=True),
    *duckdb_jsonl.FUNCTIONS,
)


def register(con: duckdb.DuckDBPyConnection) -> None:
    """Create the trueup_* landing functions (the JSONL readers too) on a DuckDB connection."""
    for function in FUNCTIONS:
        function.create(con)


try:  # the plugin hook exists only where dbt-duckdb is installed (always, in the project venv)
    from dbt.adapters.duckdb.plugins import BasePlugin
except ImportError:  # pragma: no cover
    BasePlugin = object  # type: ignore[assignment,misc]


class WarehouseNotBuiltError(RuntimeError):
    """A missing warehouse file that this command may not (or cannot) create.

    A RuntimeError: dbt-duckdb reports it as a connection failure with this message."""


def _invocation() -> tuple[str | None, Path]:
    """The running dbt command (None outside a dbt invocation) and its project directory."""
    command = None
    project_dir = None
    try:
        from dbt.flags import get_flags

        flags = get_flags()
        command = getattr(flags, "WHICH", None)
        project_dir = getattr(flags, "PROJECT_DIR", None)
    except ImportError:  # pragma: no cover - dbt is always there when dbt-duckdb calls us
        pass
    if project_dir:
        return command, Path(project_dir).expanduser().resolve()
    cwd = Path.cwd()
    found = next((p for p in (cwd, *cwd.parents) if (p / "dbt_project.yml").is_file()), cwd)
    return command, found


def running_mf() -> bool:
    """Whether this process is MetricFlow's `mf` (which connects through `dbt debug`)."""
    return Path(sys.argv[0]).name == "mf"


def check_mf_reads_marts(conn: duckdb.DuckDBPyConnection) -> None:
    """Under `mf`, a warehouse file that holds no finance mart stops with a clear message
    instead of MetricFlow's CatalogException on its first table."""
    if not running_mf():
        return
    rows = conn.execute(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchall()
    path = rows[0][0] if rows else None
    if path and not warehouse.has_marts(conn):
        empty = warehouse.WarehouseNotBuiltError(Path(path), missing=False, command="`mf`")
        raise WarehouseNotBuiltError(str(empty))


def warehouse_for_connection(path: str, command: str | None, project_dir: Path) -> str:
    """The DuckDB path dbt-duckdb should open for profile `path` in `command`: a local file
    resolved against `project_dir` (its folder created when the command writes); raises
    WarehouseNotBuiltError when the file is missing and the command does not write."""
    if not warehouse.is_file_path(path):
        return path
    resolved = warehouse.resolve(path, project_dir)
    if not resolved.exists():
        if command not in WRITING_COMMANDS:
            what = f"`dbt {command}`" if command else "this command"
            if running_mf():
                what = "`mf`"
            relative = ""
            if not Path(path).is_absolute():
                relative = f" (the profile's {path}, relative to the project {project_dir})"
            raise WarehouseNotBuiltError(
                f"No warehouse at {resolved}{relative}: {what} only reads it and does not "
                f"create one. Build it first with {warehouse.BUILD_HINT}, or point "
                f"{warehouse.PATH_ENV} at an existing warehouse."
            )
        try:
            resolved.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise WarehouseNotBuiltError(
                f"Cannot create the warehouse folder {resolved.parent} ({error.strerror}): "
                f"point {warehouse.PATH_ENV} at a folder you can write."
            ) from error
    return str(resolved)


class Plugin(BasePlugin):  # type: ignore[misc,valid-type]
    """dbt-duckdb plugin: places the warehouse file, registers the landing functions."""

    def update_connection_config(self, creds: Any, config: dict[str, Any]) -> None:
        command, project_dir = _invocation()
        creds.path = warehouse_for_connection(creds.path, command, project_dir)

    def configure_connection(self, conn: duckdb.DuckDBPyConnection) -> None:
        register(conn)
        check_mf_reads_marts(conn)
