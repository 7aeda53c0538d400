#!/usr/bin/env bash
# The test command of the README: installs what the tests need, then runs
# the whole suite. Every end-to-end test runs on SQLite and on PostgreSQL;
# the PostgreSQL half needs a server at GOVPKI_TEST_PG_URL (default: the
# local one) and fails — never skips — when it cannot reach it.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
export GOVPKI_TEST_PG_URL="${GOVPKI_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/test}"

if ! psql "$GOVPKI_TEST_PG_URL" -qtAc 'SELECT 1' >/dev/null 2>&1; then
    echo "error: PostgreSQL is not reachable at $GOVPKI_TEST_PG_URL (set GOVPKI_TEST_PG_URL)" >&2
    exit 1
fi

cargo test --workspace --locked "$@"
