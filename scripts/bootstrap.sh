#!/usr/bin/env bash
# Creates (or refreshes) the project's virtual environment in .venv with the pinned
# dependencies of pyproject.toml and constraints.txt. Sourced by run.sh and test.sh.
# Usage: [TRUEUP_EXTRA=dev] source scripts/bootstrap.sh   (TRUEUP_EXTRA=dev: also the test tools)
# The extra comes from the environment, never from positional parameters: a sourced script
# given no arguments sees its caller's (`./run.sh --seed 7` would ask pip for extra "--seed"),
# so any arguments are ignored.
set -euo pipefail
TRUEUP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUEUP_EXTRA="${TRUEUP_EXTRA:-}"
case "$TRUEUP_EXTRA" in
    "" | dev) ;;
    *)
        echo "scripts/bootstrap.sh: TRUEUP_EXTRA must be empty or \"dev\", got \"$TRUEUP_EXTRA\"." >&2
        exit 2
        ;;
esac
TRUEUP_VENV="${TRUEUP_VENV:-$TRUEUP_ROOT/.venv}"
PYTHON="${PYTHON:-python3}"

if ! "$PYTHON" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 13) else 1)'; then
    echo "trueup needs Python 3.11 or 3.12; $PYTHON is $("$PYTHON" --version 2>&1)." >&2
    exit 1
fi
if [ ! -x "$TRUEUP_VENV/bin/python" ]; then
    echo "Creating virtual environment in $TRUEUP_VENV"
    "$PYTHON" -m venv "$TRUEUP_VENV"
fi
# Reinstall only when the pins changed since the last install.
stamp="$TRUEUP_VENV/.trueup-installed${TRUEUP_EXTRA:+-$TRUEUP_EXTRA}"
want="$(cat "$TRUEUP_ROOT/pyproject.toml" "$TRUEUP_ROOT/constraints.txt" | sha256sum | cut -d' ' -f1)"
installed() { [ -f "$1" ] && [ "$(cat "$1")" = "$want" ]; }
# the dev install is a superset of the plain one: ./run.sh after ./test.sh installs nothing
if ! installed "$stamp" && ! { [ -z "$TRUEUP_EXTRA" ] && installed "$TRUEUP_VENV/.trueup-installed-dev"; }; then
    echo "Installing pinned dependencies${TRUEUP_EXTRA:+ ($TRUEUP_EXTRA)}"
    target="$TRUEUP_ROOT${TRUEUP_EXTRA:+[$TRUEUP_EXTRA]}"
    "$TRUEUP_VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        -c "$TRUEUP_ROOT/constraints.txt" -e "$target"
    echo "$want" > "$stamp"
fi
export PATH="$TRUEUP_VENV/bin:$PATH"
export DBT_PROFILES_DIR="$TRUEUP_ROOT"
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
cd "$TRUEUP_ROOT"
