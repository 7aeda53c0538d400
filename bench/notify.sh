#!/usr/bin/env bash
# Revocation → OCSP latency (issue 15): from the commit of a revocation to
# the first OCSP answer saying `revoked`, p50 and p99 over REV revocations
# among CERTS certificates while load threads keep the responder busy, on
# SQLite and PostgreSQL, with the responder in the process that revokes
# (in-process notification) and in another process (`govpki serve`:
# PostgreSQL LISTEN/NOTIFY, SQLite `PRAGMA data_version`). Goals: p99 under
# 1 s (same process) and 2 s (other process).
#
# The client is ocsp-responder/examples/notify_latency.rs; certificates are
# seeded by ca-core/examples/ocsp_seed.rs (one P-256 key each, revoked with
# reason superseded). The responder's poll stays at its default 60 s.
#
# usage: bash bench/notify.sh [--certs N] [--revocations M] [--profile dev|release]
#            [--only sqlite|postgres] [--pg-admin URL] [--keep]
# defaults: 100000 certificates, 1000 revocations per run, release,
#           both databases, postgres://postgres@127.0.0.1:5432 (a database
#           govpki_bench_notify is created there and dropped afterwards).
# Output also in bench/notify-results-latest.txt; last line: SUMMARY.

set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=bench/notify-results-latest.txt

CERTS=100000
REV=1000
PROFILE=release
ONLY=
PG_ADMIN=postgres://postgres@127.0.0.1:5432
PG_DB=govpki_bench_notify
KEEP=0
while [ $# -gt 0 ]; do
    case "$1" in
        --certs) CERTS=$2; shift 2 ;;
        --revocations) REV=$2; shift 2 ;;
        --profile) PROFILE=$2; shift 2 ;;
        --only) ONLY=$2; shift 2 ;;
        --pg-admin) PG_ADMIN=$2; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench/notify.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
case "$PROFILE" in
    release) CARGO_PROFILE=(--release); BIN="$TARGET/release" ;;
    dev) CARGO_PROFILE=(); BIN="$TARGET/debug" ;;
    *) echo "bench/notify.sh: --profile dev or release" >&2; exit 2 ;;
esac
PASSPHRASE="bench-notify-passphrase-0123"
PORT_SERVE=18491
PORT_SAME=18492
WORK=$(mktemp -d /tmp/govpki-notify-bench.XXXXXX)
PIDS=()
PG_CREATED=0

stop() {
    local pid=$1
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    for pid in "${PIDS[@]}"; do
        stop "$pid"
    done
    if [ "$PG_CREATED" = 1 ]; then
        psql "$PG_ADMIN/postgres" -q -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    if [ "$KEEP" = 1 ]; then
        echo "work directory kept: $WORK" >&2
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
exec > >(tee "$OUT") 2>&1

section() {
    printf '\n######## %s\n' "$1"
}

section "machine"
date -u '+%Y-%m-%d %H:%M:%S UTC'
echo "cpus: $(nproc); load before the run: $(uptime)"
echo "certificates: $CERTS; revocations per run: $REV; profile: $PROFILE"

section "build ($PROFILE)"
cargo build "${CARGO_PROFILE[@]}" -p govpki
cargo build "${CARGO_PROFILE[@]}" -p ca-core --example ocsp_seed
cargo build "${CARGO_PROFILE[@]}" -p ocsp-responder --example notify_latency
GOVPKI="$BIN/govpki"
SEED="$BIN/examples/ocsp_seed"
CLIENT="$BIN/examples/notify_latency"
export GOVPKI_KEY_PASSPHRASE="$PASSPHRASE"

declare -A RESULT

# field LINE NAME: the value of NAME=… in a RESULT line.
field() {
    printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# run_backend NAME [DATABASE_URL]
run_backend() {
    local name=$1 url=${2:-}
    local data="$WORK/$name" seed="$WORK/$name-seed"
    local db_args=()
    if [ -n "$url" ]; then db_args=(--database-url "$url"); fi
    section "$name: seed $CERTS certificates"
    local t0
    t0=$(date +%s)
    "$SEED" --data-dir "$data" "${db_args[@]}" --certs "$CERTS" --leaves $((2 * REV)) --out "$seed"
    echo "seeding took $(($(date +%s) - t0)) s"
    mkdir -p "$seed/req"
    ls "$seed/leaf" | sed 's/\.pem$//' |
        xargs -P 2 -I{} openssl ocsp -issuer "$seed/issuer.pem" -cert "$seed/leaf/{}.pem" \
            -no_nonce -reqout "$seed/req/{}.der" >/dev/null

    section "$name: other process (govpki serve answers, this client revokes)"
    "$GOVPKI" --data-dir "$data" "${db_args[@]}" serve --listen "127.0.0.1:$PORT_SERVE" \
        --ocsp-key p256 >"$WORK/$name-serve.log" 2>&1 &
    local serve=$!
    PIDS+=("$serve")
    t0=$(date +%s)
    local last=-1 count=0 health
    while :; do
        health=$(curl -s "http://127.0.0.1:$PORT_SERVE/healthz" || true)
        count=$(printf '%s' "$health" | sed -n 's/.*"cached_responses":\([0-9]*\).*/\1/p')
        count=${count:-0}
        if [ "$count" -ge "$CERTS" ] && [ "$count" = "$last" ]; then break; fi
        if [ $(($(date +%s) - t0)) -gt 3600 ]; then
            echo "bench/notify.sh: only $count responses after an hour" >&2
            exit 1
        fi
        last=$count
        sleep 2
    done
    echo "pre-signed responses ready after $(($(date +%s) - t0)) s ($count)"
    local line
    line=$("$CLIENT" --data-dir "$data" "${db_args[@]}" --leaves "$seed/leaf" --requests "$seed/req" \
        --from 0 --count "$REV" --mode other --url "http://127.0.0.1:$PORT_SERVE/ocsp" | tail -n1)
    echo "$line"
    RESULT[$name-other]=$line
    stop "$serve"

    section "$name: same process (the client hosts the responder and revokes)"
    line=$("$CLIENT" --data-dir "$data" "${db_args[@]}" --leaves "$seed/leaf" --requests "$seed/req" \
        --from "$REV" --count "$REV" --mode same --listen "127.0.0.1:$PORT_SAME" | tail -n1)
    echo "$line"
    RESULT[$name-same]=$line
}

if [ "$ONLY" != postgres ]; then
    run_backend sqlite
fi
if [ "$ONLY" != sqlite ]; then
    psql "$PG_ADMIN/postgres" -q -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null
    psql "$PG_ADMIN/postgres" -q -c "CREATE DATABASE $PG_DB" >/dev/null
    PG_CREATED=1
    run_backend postgres "$PG_ADMIN/$PG_DB"
fi

section "summary (ms from commit to the first revoked answer)"
summary="SUMMARY certs=$CERTS revocations=$REV profile=$PROFILE"
for key in sqlite-same sqlite-other postgres-same postgres-other; do
    line=${RESULT[$key]:-}
    [ -n "$line" ] || continue
    printf '%-15s p50 %8s  p99 %8s  max %8s  missed %s  load %s req/s\n' "$key" \
        "$(field "$line" p50_ms)" "$(field "$line" p99_ms)" "$(field "$line" max_ms)" \
        "$(field "$line" missed)" "$(field "$line" load_rps)"
    summary+=" $key:p50=$(field "$line" p50_ms),p99=$(field "$line" p99_ms)"
done
echo "$summary"
