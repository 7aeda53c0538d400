#!/usr/bin/env bash
# Checks every crate of Cargo.lock and fuzz/Cargo.lock against the RustSec
# advisory database, offline, from the snapshot in ../shared/rustsec-advisory-db
# (or $GOVPKI_ADVISORY_DB). The shared copy is never modified: cargo-deny
# wants a git repository whose HEAD commit time is the database's date, so the
# snapshot is copied into a temporary directory, committed there with the
# snapshot's date, and cargo-deny reads it from there with --offline.
# Any vulnerability fails; unmaintained and unsound notices fail unless
# deny.toml lists them with a reason.
set -euo pipefail
cd "$(dirname "$0")/.."

src=""
for candidate in "${GOVPKI_ADVISORY_DB:-}" "$(pwd)/../shared/rustsec-advisory-db" /work/shared/rustsec-advisory-db; do
    if [ -n "$candidate" ] && [ -d "$candidate/crates" ]; then
        src="$candidate"
        break
    fi
done
if [ -z "$src" ]; then
    echo "error: no RustSec advisory snapshot in ../shared/rustsec-advisory-db (set GOVPKI_ADVISORY_DB)" >&2
    exit 1
fi
date=$(grep -oE '[0-9]{4}-[0-9]{2}-[0-9]{2}' "$src/SNAPSHOT" | head -1)
if [ -z "$date" ]; then
    echo "error: $src/SNAPSHOT does not name the snapshot's date" >&2
    exit 1
fi
echo "RustSec advisory database snapshot of $date ($src/SNAPSHOT)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The folder name cargo-deny derives from the default database URL.
db="$work/advisory-dbs/advisory-db-3157b0e258782691"
mkdir -p "$db"
cp -R "$src"/. "$db"/
(
    cd "$db"
    git init -q
    git add -A
    GIT_AUTHOR_DATE="${date}T00:00:00Z" GIT_COMMITTER_DATE="${date}T00:00:00Z" \
        git -c user.name=snapshot -c user.email=snapshot@localhost commit -q -m "RustSec snapshot $date"
)

# deny.toml with db-path pointing at the temporary copy.
sed "s|^\[advisories\]$|[advisories]\ndb-path = \"$work/advisory-dbs\"|" deny.toml > "$work/deny.toml"

status=0
for manifest in Cargo.toml fuzz/Cargo.toml; do
    # The crates themselves come from crates.io (reachable); only the
    # advisory database is offline.
    cargo fetch --quiet --locked --manifest-path "$manifest"
    echo "== advisories: $manifest"
    cargo deny --offline --manifest-path "$manifest" --config "$work/deny.toml" check advisories || status=1
done
exit $status
