#!/usr/bin/env bash
# The long crash-safety run (issue 7): tests/crash.rs with 100 SIGKILLs per
# database instead of the 10 of CI. See the header of tests/crash.rs for
# what is killed and what is checked after each kill.
#
# usage: bash bench/crash.sh [KILLS]        (default 100)
#        GOVPKI_CRASH_SEED=N bash bench/crash.sh   replays a run's kill moments
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
export GOVPKI_TEST_PG_URL="${GOVPKI_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/test}"
export GOVPKI_CRASH_KILLS="${1:-100}"
# Everything goes to bench/crash-results-latest.txt; the summary lines to
# the terminal.
cargo test --locked --test crash -- --nocapture --test-threads 1 2>&1 \
    | tee bench/crash-results-latest.txt \
    | grep -E '^(crash test seed|[0-9]+ kills|[0-9]+ certificates of|test |test result|thread .* panicked)'
