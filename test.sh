#!/usr/bin/env bash
# Every test on a fresh machine: set up with the test tools, lint (ruff, sqlfluff), the governance
# gate (dbt-score), then pytest (generator tests, end-to-end builds with their data tests, the dbt
# unit tests once), on TRUEUP_TEST_WORKERS pytest-xdist workers (default 2; 0: one process),
# printing the 25 slowest tests. Options are passed to pytest (e.g. `-m "not slow"`, a file).
# How the suite is organised and how long it takes: docs/testing.md.
set -euo pipefail
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
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: that is a failure here." >&2
    exit 1
fi
exit "$status"
