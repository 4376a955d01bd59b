#!/usr/bin/env bash
# The main job on a fresh machine: set up, generate sample data, dbt build on DuckDB, summary.
# Options are passed to `trueup demo` (see `trueup demo --help`).
set -euo pipefail
source "$(dirname "$0")/scripts/bootstrap.sh"
trueup demo "$@"
