#!/usr/bin/env bash
# Every test on a fresh machine: set up with the test tools, lint (ruff, sqlfluff), then pytest
# (generator tests, dbt unit and data tests inside end-to-end builds).
# Options are passed to pytest.
set -euo pipefail
source "$(dirname "$0")/scripts/bootstrap.sh" dev
echo "== ruff"
ruff check scripts tests/python
ruff format --check scripts tests/python
echo "== sqlfluff (models, macros, tests)"
TRUEUP_LANDING_PATH=/nonexistent-landing-for-lint sqlfluff lint models tests/singular analyses
echo "== pytest"
set +e
python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: that is a failure here." >&2
    exit 1
fi
exit "$status"
