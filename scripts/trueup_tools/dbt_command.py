"""`trueup dbt ARGS...`: dbt itself, on this project, in the environment plain dbt has here.

The arguments go to dbt unchanged, with `--project-dir` and `--profiles-dir` added when they are
not given (so the command works from any folder). `--vars` is checked first: dbt reads it as
YAML, and a value that looks like a date but is none (`{as_of: 2026-02-30}`) makes the YAML
parser fail with a long traceback; here it is one line that says how to quote it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from trueup_tools import PROJECT_DIR, profiles_dir

QUOTE_HINT = """quote the value as text, e.g. --vars '{as_of: "2026-02-30"}'"""


class VarsError(ValueError):
    """The --vars argument is not a YAML mapping dbt can read."""


def vars_arguments(args: Sequence[str]) -> list[str]:
    """The values given to --vars (as `--vars X` or `--vars=X`)."""
    values = []
    for index, arg in enumerate(args):
        if arg == "--vars" and index + 1 < len(args):
            values.append(args[index + 1])
        elif arg.startswith("--vars="):
            values.append(arg.removeprefix("--vars="))
    return values


def check_vars(text: str) -> dict:
    """`text` read as dbt reads --vars (YAML); raises VarsError with a one-line message."""
    import yaml

    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as error:
        problem = str(getattr(error, "problem", None) or error).splitlines()[0]
        raise VarsError(f"--vars {text} is not valid YAML ({problem}); {QUOTE_HINT}") from None
    except ValueError as error:  # a date-like scalar that is no date (2026-02-30)
        raise VarsError(
            f"--vars {text}: a value looks like a date but is none ({error}); {QUOTE_HINT}"
        ) from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise VarsError(
            f"--vars {text} must be a YAML mapping, e.g. --vars '{{as_of: \"2026-09-30\"}}'"
        )
    return loaded


def with_project(args: Sequence[str]) -> list[str]:
    """`args` with this project's --project-dir and --profiles-dir, unless a project is given
    (then as they are). dbt reads its options anywhere after the subcommand: appended."""
    out = list(args)
    given = {a.split("=", 1)[0] for a in out}
    if not out or out[0].startswith("-"):
        return out  # `dbt --version`, `dbt --help`: no subcommand to add them to
    if "--project-dir" in given:
        return out  # another project: its own profiles, as plain dbt would find them
    out += ["--project-dir", str(PROJECT_DIR)]
    if "--profiles-dir" not in given:
        out += ["--profiles-dir", str(profiles_dir())]
    return out


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `trueup dbt`: everything after it goes to dbt."""
    parser.add_argument(
        "dbt_args",
        nargs=argparse.REMAINDER,
        metavar="ARGS",
        help="a dbt command and its options, e.g. build --select fct_usage_daily",
    )


def run(args: argparse.Namespace) -> int:
    """Entry point of `trueup dbt`: dbt's exit code (0 success, 1 failures, 2 error)."""
    dbt_args = list(args.dbt_args)
    if dbt_args[:1] == ["--"]:
        dbt_args = dbt_args[1:]
    if not dbt_args:
        print("trueup dbt: give a dbt command, e.g. `trueup dbt build`", file=sys.stderr)
        return 2
    try:
        for text in vars_arguments(dbt_args):
            check_vars(text)
    except VarsError as error:
        print(f"trueup dbt: {error}", file=sys.stderr)
        return 2
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(with_project(dbt_args))
    if result.exception is not None:
        return 2
    return 0 if result.success else 1
