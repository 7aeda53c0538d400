#!/usr/bin/env bash
# Load with faults (issue 7): OCSP under steady load (wrk, POST, the
# pre-signed responses of 200 certificates) from `govpki serve` on
# PostgreSQL, in four phases of DURATION seconds each:
#
#   baseline      nothing happens;
#   pg-restart    PostgreSQL is restarted 2 s into the phase
#                 (pg_ctlcluster VERSION main restart — this machine's
#                 server: do not run it while tests use the database);
#   crl-restart   a stand-alone crl-publisher on the same database is
#                 killed (SIGKILL) 2 s in and started again;
#   after         nothing happens.
#
# Every answer is checked (HTTP 200 and responseStatus successful): the
# goal is 0 failed answers, served from the responder's cache while the
# database is away. Prints one table (phase, rate, successful, failed,
# socket errors, p50/p99/max latency); also in bench/faults-results-latest.txt.
#
# usage: bash bench/faults.sh [DURATION]      (default 10 s per phase)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=bench/faults-results-latest.txt
DURATION="${1:-10}"
PG_ADMIN="${GOVPKI_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/test}"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
CLUSTER=$(pg_lsclusters -h | awk '$4 == "online" && $3 == 5432 { print $1 " " $2; exit }')
[ -n "$CLUSTER" ] || { echo "bench/faults.sh: no PostgreSQL cluster online on port 5432" >&2; exit 1; }

WORK=$(mktemp -d /tmp/govpki-faults.XXXXXX)
DB="govpki_faults_$$"
URL="${PG_ADMIN%/*}/$DB"
PIDS=()
cleanup() {
    # Servers started here, and those a background fault restarted.
    for p in "${PIDS[@]}" $(cat "$WORK/pids" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
    psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

exec > >(tee "$OUT") 2>&1
echo "govpki load with faults — $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "commit: $(git rev-parse --short HEAD); host: $(nproc) cores; $(cut -d' ' -f1-3 /proc/loadavg | sed 's/^/load /')"
echo "PostgreSQL cluster $CLUSTER; ${DURATION}s per phase; wrk 2 threads, 20 connections"

cargo build --release -q -p govpki --bin govpki -p crl-publisher --bin crl-publisher
G=("$ROOT/target/release/govpki" --data-dir "$WORK/data" --database-url "$URL")
psql "$PG_ADMIN" -qc "CREATE DATABASE $DB" >/dev/null

# A demo CA with 200 certificates.
"${G[@]}" init --demo >/dev/null
SUB=$("${G[@]}" subscriber add --kind individual --name "Nguyễn Văn An" \
    --national-id CCCD:001089031733 --province "Cần Thơ" --unit "Sở Khoa học và Công nghệ" | grep -o '[0-9]\+' | head -1)
mkdir -p "$WORK/csrs"
for i in $(seq -w 1 200); do
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout /dev/null -subj "/CN=x" -out "$WORK/csrs/k$i.csr" 2>/dev/null
done
"${G[@]}" cert issue-dir --subscriber "$SUB" --profile individual \
    --csr-dir "$WORK/csrs" --out-dir "$WORK/certs" > "$WORK/issued.txt"
"${G[@]}" ca export gov-ca > "$WORK/gov-ca.pem"
mkdir -p "$WORK/req"
cut -f2 "$WORK/issued.txt" | while read -r serial; do
    openssl ocsp -issuer "$WORK/gov-ca.pem" -serial "0x$serial" -no_nonce \
        -reqout "$WORK/req/$serial.der" >/dev/null 2>&1
done
ls "$WORK"/req/*.der > "$WORK/requests.list"
echo "$(wc -l < "$WORK/requests.list") certificates, one OCSP request each"

# The responder (and, in the same process, the portal and a CRL publisher).
"${G[@]}" serve --listen 127.0.0.1:0 --ocsp-refresh-secs 1 2> "$WORK/serve.log" &
PIDS+=($!)
for _ in $(seq 200); do
    PORT=$(sed -n 's/^listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/serve.log" | head -1)
    [ -n "$PORT" ] && break
    sleep 0.3
done
[ -n "${PORT:-}" ] || { echo "govpki serve did not start" >&2; cat "$WORK/serve.log" >&2; exit 1; }
sleep 3   # the refresher's first pass signs every response

start_crl_publisher() {
    "$ROOT/target/release/crl-publisher" --data-dir "$WORK/data" --database-url "$URL" \
        --listen 127.0.0.1:0 2>> "$WORK/crl-publisher.log" &
    CRL_PID=$!
    echo "$CRL_PID" >> "$WORK/pids"
}
start_crl_publisher

phase() { # NAME: one wrk run; prints its RESULT line, prefixed by NAME
    local name=$1
    local line
    line=$(OCSP_REQUEST_LIST="$WORK/requests.list" wrk -t 2 -c 20 -d "${DURATION}s" \
        -s "$ROOT/bench/ocsp/faults.lua" "http://127.0.0.1:$PORT" | grep '^RESULT')
    echo "$name ${line#RESULT }" >> "$WORK/results.txt"
}

phase baseline
# (Background faults are waited for by pid: a bare `wait` would wait for
# the servers too.)
( sleep 2; pg_ctlcluster $CLUSTER restart; echo "PostgreSQL restarted at $(date -u +%T)" ) &
FAULT=$!
( sleep 2.5; curl -s -m 5 "http://127.0.0.1:$PORT/healthz" > "$WORK/healthz-during.json" ) &
PROBE=$!
phase pg-restart
wait "$FAULT" "$PROBE"
kill_and_restart_crl_publisher() {
    sleep 2
    kill -9 "$CRL_PID"
    sleep 0.5
    start_crl_publisher
    echo "crl-publisher killed and restarted at $(date -u +%T)"
}
kill_and_restart_crl_publisher &
FAULT=$!
phase crl-restart
wait "$FAULT"
phase after

echo
echo "/healthz 0.5 s after the PostgreSQL restart began: $(cat "$WORK/healthz-during.json" 2>/dev/null || echo '-')"
echo
echo "| phase | OCSP answers/s | successful | failed | socket errors | p50 ms | p99 ms | max ms |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
while read -r name rest; do
    eval "$rest"
    echo "| $name | $rate | $ok | $failed | $socket_errors | $p50_ms | $p99_ms | $max_ms |"
done < "$WORK/results.txt"
