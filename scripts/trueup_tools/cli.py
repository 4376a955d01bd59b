"""The `trueup` command: one entry point, one subcommand per task."""

from __future__ import annotations

import argparse
import sys

from trueup_tools import generate


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="trueup", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write deterministic sample data and its ground truth")
    generate.add_arguments(gen)
    gen.set_defaults(func=generate.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
