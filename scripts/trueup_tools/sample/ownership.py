"""Stage 6, install: the generator's register of the files it wrote under `--out` (with their
SHA-256) and the install step that replaces only those, refusing (`GeneratorRefused`)
when its folders hold anything it did not write.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

BILLING_FOLDERS: tuple[str, ...] = ("focus", "invoice_lines")
"""The billing export formats the generator writes (`landing/billing/<format>/`)."""


GENERATED_FOLDERS: tuple[str, ...] = (
    "landing/usage",
    *(f"landing/billing/{name}" for name in BILLING_FOLDERS),
    "truth",
    "reference",
)
"""The folders under `--out` the generator writes into (relative to it). `reference` holds the
demo's amended copy of the project's seeds (`trueup demo`, written by `write_owned_files`); a
new `generate` deletes it with the generator's other earlier files."""


OWNERSHIP_FILE = "generated_files.json"
"""Under `--out`: every file the generator wrote there, with its SHA-256 (its ownership)."""


class GeneratorRefused(ValueError):
    """The output folders hold files the generator did not write: nothing was changed."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _owned(out_dir: Path) -> dict[str, str]:
    """relative path -> SHA-256 of the files the generator recorded as its own (an unreadable
    record owns nothing)."""
    try:
        record = json.loads((out_dir / OWNERSHIP_FILE).read_text(encoding="utf-8"))
        files = record["files"]
        return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _survey(out_dir: Path) -> tuple[list[Path], list[str]]:
    """(files the generator wrote and that are unchanged, everything else in its folders: files
    it did not write or that changed since, symbolic links, a file where a folder belongs)."""
    owned = _owned(out_dir)
    mine: list[Path] = []
    foreign: list[str] = []
    for folder in GENERATED_FOLDERS:
        top = out_dir / folder
        if top.is_symlink() or (top.exists() and not top.is_dir()):
            foreign.append(folder)
            continue
        for root, dirs, names in os.walk(top):
            here = Path(root)
            for name in sorted(dirs):
                if (here / name).is_symlink():
                    foreign.append((here / name).relative_to(out_dir).as_posix())
            for name in sorted(names):
                path = here / name
                relative = path.relative_to(out_dir).as_posix()
                if path.is_symlink() or not path.is_file() or owned.get(relative) != _sha256(path):
                    foreign.append(relative)
                else:
                    mine.append(path)
    return mine, sorted(foreign)


def _refusal(out_dir: Path, foreign: Sequence[str], what: str) -> GeneratorRefused:
    shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
    return GeneratorRefused(
        f"refusing to write sample data under {out_dir}: {what}: {shown}. Move them out of the "
        f"way or choose another --out; the generator deletes only files it wrote itself "
        f"(recorded in {out_dir / OWNERSHIP_FILE})."
    )


def _check_out_dir(out_dir: Path, force: bool) -> None:
    """Refuse (before anything is generated or deleted) when the generator's folders hold
    anything it did not write, unless `force`."""
    _, foreign = _survey(out_dir)
    if foreign and not force:
        raise _refusal(
            out_dir,
            foreign,
            f"{', '.join(GENERATED_FOLDERS)} hold files the generator did not write "
            "(--force writes beside them and keeps them, and a build then reads them too)",
        )


def _install(stage: Path, out_dir: Path, force: bool) -> None:
    """Replace the generator's earlier files under out_dir by the staged ones: delete only the
    files it wrote before (unchanged since), keep everything else (with `force`; without it
    there is nothing else), never overwrite a file it did not write; record what it wrote."""
    mine, foreign = _survey(out_dir)
    if foreign and not force:
        raise _refusal(out_dir, foreign, "files it did not write appeared while it was running")
    staged = sorted(p for p in stage.rglob("*") if p.is_file())
    relative = [p.relative_to(stage).as_posix() for p in staged]
    in_the_way = sorted(set(relative) & set(foreign))
    if in_the_way:
        raise _refusal(
            out_dir, in_the_way, "it would overwrite files it did not write (also with --force)"
        )
    for path in mine:
        path.unlink()
    record: dict[str, str] = {}
    for path, name in zip(staged, relative, strict=True):
        target = out_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        record[name] = _sha256(path)
        os.replace(path, target)
    for folder in GENERATED_FOLDERS:
        _prune_empty(out_dir / folder)
    (out_dir / OWNERSHIP_FILE).write_text(
        json.dumps({"generator": "trueup_tools.generate", "files": record}, indent=2) + "\n",
        encoding="utf-8",
    )


def write_owned_files(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    """Write `files` (path relative to out_dir, under one of GENERATED_FOLDERS -> bytes) and
    record them in the generator's register, beside what it already owns. As for `generate`: a
    file in the way that the generator did not write (or that changed since) is never
    overwritten -- GeneratorRefused, nothing written. Returns the paths written."""
    out_dir = Path(out_dir)
    for name in files:
        if not any(name.startswith(f"{folder}/") for folder in GENERATED_FOLDERS):
            raise ValueError(f"{name} is outside the generator's folders")
    _, foreign = _survey(out_dir)
    in_the_way = sorted(set(files) & set(foreign))
    if in_the_way:
        raise _refusal(out_dir, in_the_way, "it would overwrite files it did not write")
    owned = _owned(out_dir)
    written = []
    for name, content in sorted(files.items()):
        target = out_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        owned[name] = _sha256(target)
        written.append(target)
    (out_dir / OWNERSHIP_FILE).write_text(
        json.dumps({"generator": "trueup_tools.generate", "files": owned}, indent=2) + "\n",
        encoding="utf-8",
    )
    return written


def _prune_empty(top: Path) -> None:
    """Remove the empty folders under top (and top itself when empty); never follows links."""
    if not top.is_dir() or top.is_symlink():
        return
    for root, _dirs, _files in os.walk(top, topdown=False):
        folder = Path(root)
        if not folder.is_symlink() and not any(folder.iterdir()):
            folder.rmdir()
