#!/usr/bin/env bash
# The tests on a fresh machine: set up with the test tools, lint (ruff, sqlfluff), the governance
# gate (dbt-score), then pytest (generator tests, end-to-end builds with their data tests, the dbt
# unit tests once), on TRUEUP_TEST_WORKERS pytest-xdist workers (default 2; 0: one process),
# printing the 25 slowest tests and the time it took.
#   ./test.sh          the default set: every test but those marked `slow` (conftest.py's SLOW)
#   ./test.sh --all    every test (CI: .ci/run); TRUEUP_SLOW_TESTS=run ./test.sh does the same
# Other options are passed to pytest (a file, `-x`, `-k ...`; a `-m` of yours replaces the
# default set's). How the suite is organised and how long it takes: docs/testing.md.
set -euo pipefail
started=$SECONDS
if [ "${1:-}" = "--all" ]; then
    shift
    TRUEUP_SLOW_TESTS=run
fi
# read by conftest.py: `skip` leaves the slow tests out unless a -m is given; plain pytest runs all
export TRUEUP_SLOW_TESTS="${TRUEUP_SLOW_TESTS:-skip}"
TRUEUP_EXTRA=dev source "$(dirname "$0")/scripts/bootstrap.sh"
echo "== ruff"
ruff check scripts tests/python
ruff format --check scripts tests/python
echo "== sqlfluff (models with their macros rendered, singular tests, analyses)"
# an existing, empty landing root: the models that list landing files render (a missing root
# would stop them, and sqlfluff would skip them with only a warning)
lint_landing="$(mktemp -d)"
trap 'rm -rf "$lint_landing"' EXIT
TRUEUP_LANDING_PATH="$lint_landing" sqlfluff lint models tests/singular analyses
echo "== dbt-score (every model, column, seed, source and exposure described; primary-key tests)"
# an in-memory target (never opens the warehouse file), in its own target path (leaves
# target/semantic_manifest.json, which `mf` reads, to the last real parse or build)
TRUEUP_LANDING_PATH="$lint_landing" \
    dbt parse --target memory --target-path target/lint --quiet
dbt-score lint --manifest target/lint/manifest.json
echo "== pytest"
set +e
# loadscope: the tests of a module run on one worker (its module fixtures are built once);
# no reorder: the modules that cost the most are handed out first, in conftest.py's order
python -m pytest -n "${TRUEUP_TEST_WORKERS:-2}" --dist loadscope --no-loadscope-reorder "$@"
status=$?
set -e
elapsed=$((SECONDS - started))
if [ "$TRUEUP_SLOW_TESTS" = "run" ]; then tests="every test"; else tests="the default set"; fi
echo "== test.sh: $((elapsed / 60)) min $((elapsed % 60)) s in all, $tests"
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: that is a failure here (only slow tests? ./test.sh --all)." >&2
    exit 1
fi
exit "$status"
