#!/usr/bin/env bash
# The OCSP responder benchmark with its reference servers, in one run on one
# machine, on the same certificates:
#
#   govpki       `govpki serve` (pre-signed responses, delegated P-256 signer),
#                POST /ocsp with 1 000 distinct DER requests (wrk + Lua);
#   nginx        the same DER response bytes as static files (GET) — the limit;
#   openssl      `openssl ocsp -index … -multi 2`, signing every response with
#                the P-256 gov-ca key itself (POST);
#   cfssl        `cfssl ocspserve -responses FILE` over the responses fetched
#                from govpki (POST).
#
# Then govpki again with few connections (-c 4): an approximation of "p99 at
# half the maximum rate" (wrk has no fixed-rate mode; wrk2 is not in Debian).
# Everything runs in a network namespace of the script's own with only lo up
# (openssl ocsp binds [::]); without `ip netns` it runs on the host.
#
# usage: bash bench/ocsp.sh [--certs N] [--requests M] [--duration S]
#            [--threads T] [--connections C] [--low-connections C]
#            [--pg POSTGRES_URL_OF_AN_EMPTY_DATABASE] [--keep]
# defaults: 10000 certificates, 1000 requests, 10 s, 2 threads,
#           50 connections, 4 connections for the low-rate run.
# Output also in bench/ocsp-results-latest.txt. See bench/README.md.

set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=bench/ocsp-results-latest.txt

usage() {
    sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'
}

CERTS=10000
REQUESTS=1000
DURATION=10
THREADS=2
CONNS=50
LOW_CONNS=4
PG_URL=
KEEP=0
while [ $# -gt 0 ]; do
    case "$1" in
        --certs) CERTS=$2; shift 2 ;;
        --requests) REQUESTS=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --connections) CONNS=$2; shift 2 ;;
        --low-connections) LOW_CONNS=$2; shift 2 ;;
        --pg) PG_URL=$2; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "bench/ocsp.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done

PASSPHRASE="bench-ocsp-passphrase-0123"
PORT_GOVPKI=18480
PORT_NGINX=18481
PORT_OPENSSL=18482
PORT_CFSSL=18483

for tool in wrk nginx cfssl openssl curl; do
    if ! command -v "$tool" >/dev/null; then
        echo "bench/ocsp.sh: $tool is missing; install with:" >&2
        echo "  apt-get update && apt-get install -y wrk nginx golang-cfssl openssl curl" >&2
        exit 1
    fi
done

WORK=$(mktemp -d /tmp/govpki-ocsp-bench.XXXXXX)
chmod 755 "$WORK"
NS="govpki-ocsp-bench-$$"
NSX=()
PIDS=()
OPENSSL_PID=
cleanup() {
    if [ -n "$OPENSSL_PID" ]; then
        stop_openssl
    fi
    for pid in "${PIDS[@]}"; do
        stop "$pid"
    done
    if [ ${#NSX[@]} -gt 0 ]; then
        ip netns del "$NS" 2>/dev/null || true
    fi
    if [ "$KEEP" = 1 ]; then
        echo "work directory kept: $WORK" >&2
    else
        rm -rf "$WORK"
    fi
}

# stop PID: ends a server this script started, and its direct children
# (openssl ocsp -multi forks its workers).
stop() {
    local pid=$1
    if kill -0 "$pid" 2>/dev/null; then
        pkill -TERM -P "$pid" 2>/dev/null || true
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}
trap cleanup EXIT

exec > >(tee "$OUT") 2>&1

section() {
    printf '\n######## %s\n' "$1"
}

# in_ns CMD…: runs CMD in the bench namespace (or on the host).
in_ns() {
    "${NSX[@]}" "$@"
}

# wait_http URL: until URL answers (30 s at most).
wait_http() {
    for _ in $(seq 300); do
        if in_ns curl -s -o /dev/null --max-time 1 "$1"; then
            return 0
        fi
        sleep 0.1
    done
    echo "bench/ocsp.sh: $1 did not answer" >&2
    return 1
}

# wait_port PORT: until something accepts on 127.0.0.1:PORT.
wait_port() {
    for _ in $(seq 300); do
        if in_ns bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    echo "bench/ocsp.sh: nothing listens on port $1" >&2
    return 1
}

# to_ms VALUE: a wrk latency (850.00us, 1.20ms, 1.01s) in milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
        else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.3f", v * 60000 }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
        else print "n/a" }'
}

declare -A RPS P50 P99 ERRS

# run_wrk NAME CONNS SCRIPT URL [ENV…]: one wrk run of DURATION seconds
# after a 2-second warm-up; figures stored under NAME.
run_wrk() {
    local name=$1 conns=$2 script=$3 url=$4
    shift 4
    local log="$WORK/wrk-$name.txt"
    local threads=$THREADS
    if [ "$conns" -lt "$threads" ]; then threads=$conns; fi
    in_ns env "$@" wrk -t "$threads" -c "$conns" -d 2s -s "$script" "$url" >/dev/null 2>&1 || true
    echo "\$ wrk -t $threads -c $conns -d ${DURATION}s --latency -s $(basename "$script") $url   # $*"
    in_ns env "$@" wrk -t "$threads" -c "$conns" -d "${DURATION}s" --latency -s "$script" "$url" | tee "$log"
    RPS[$name]=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$log")
    P50[$name]=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$log")")
    P99[$name]=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$log")")
    local non2xx sockerr
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$log")
    sockerr=$(awk '/Socket errors:/ { sub(/.*Socket errors: /, ""); print }' "$log")
    ERRS[$name]="${non2xx:-0} non-2xx${sockerr:+; socket errors: $sockerr}"
}

ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
}

section "machine"
date -u '+%Y-%m-%d %H:%M:%S UTC'
echo "cpus: $(nproc); load before the run: $(uptime)"
echo "wrk: $(wrk -v 2>&1 | head -n1)"
echo "nginx: $(nginx -v 2>&1)"
echo "openssl: $(openssl version)"
echo "cfssl: $(cfssl version 2>/dev/null | head -n1)"
echo "certificates: $CERTS; distinct requests: $REQUESTS; wrk: $THREADS threads, $CONNS connections, ${DURATION} s (+2 s warm-up) per server"

section "network namespace"
if ip netns add "$NS" 2>/dev/null && ip netns exec "$NS" ip link set lo up 2>/dev/null; then
    NSX=(ip netns exec "$NS")
    echo "every server and wrk run in network namespace $NS (only lo up)"
else
    ip netns del "$NS" 2>/dev/null || true
    echo "ip netns not permitted: running on the host's loopback (openssl ocsp binds [::]:$PORT_OPENSSL)"
fi

section "build (cargo build --release)"
cargo build --release -p govpki
cargo build --release -p ca-core --example ocsp_seed
GOVPKI="$ROOT/target/release/govpki"
SEED="$ROOT/target/release/examples/ocsp_seed"

section "seed: $CERTS certificates (issue_batch, batches of 500, rcgen P-256 CSRs)"
DATA="$WORK/data"
DB_ARGS=()
if [ -n "$PG_URL" ]; then
    DB_ARGS=(--database-url "$PG_URL")
    echo "database: PostgreSQL (the URL given with --pg)"
else
    echo "database: SQLite in $DATA"
fi
export GOVPKI_KEY_PASSPHRASE="$PASSPHRASE"
export GOVPKI_DATA_DIR="$DATA"
if [ -n "$PG_URL" ]; then export GOVPKI_DATABASE_URL="$PG_URL"; fi
SEEDED=$(date +%s.%N)
"$SEED" --data-dir "$DATA" "${DB_ARGS[@]}" --certs "$CERTS" --leaves "$REQUESTS" --out "$WORK/seed"
echo "seeding took $(awk -v a="$SEEDED" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"

section "govpki serve"
# Refresh every 60 s: the first pass (at start) signs every response; the
# benchmark then runs against the cache.
"${NSX[@]}" "$GOVPKI" serve --listen "127.0.0.1:$PORT_GOVPKI" --ocsp-key p256 --ocsp-refresh-secs 60 \
    >"$WORK/govpki.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$PORT_GOVPKI/healthz"
STARTED=$(date +%s)
LAST=-1
while :; do
    HEALTH=$(in_ns curl -s "http://127.0.0.1:$PORT_GOVPKI/healthz")
    COUNT=$(printf '%s' "$HEALTH" | sed -n 's/.*"cached_responses":\([0-9]*\).*/\1/p')
    COUNT=${COUNT:-0}
    if [ "$COUNT" -ge "$CERTS" ] && [ "$COUNT" = "$LAST" ]; then
        break
    fi
    if [ $(($(date +%s) - STARTED)) -gt 1800 ]; then
        echo "bench/ocsp.sh: only $COUNT responses cached after 30 minutes" >&2
        exit 1
    fi
    LAST=$COUNT
    sleep 1
done
echo "pre-signed responses ready after $(($(date +%s) - STARTED)) s: $HEALTH"
grep -i "listening" "$WORK/govpki.log" || true

section "requests and responses ($REQUESTS distinct)"
mkdir -p "$WORK/req" "$WORK/static/r"
ls "$WORK/seed/leaf" | sed -n "1,${REQUESTS}p" | sed 's/\.pem$//' >"$WORK/names.txt"
# openssl ocsp -reqout, two at a time.
xargs -P 2 -I{} openssl ocsp -issuer "$WORK/seed/issuer.pem" -cert "$WORK/seed/leaf/{}.pem" \
    -no_nonce -reqout "$WORK/req/{}.der" <"$WORK/names.txt" >/dev/null
awk -v d="$WORK/req" '{ print d "/" $0 ".der" }' "$WORK/names.txt" >"$WORK/requests.list"
awk '{ print "/r/" $0 ".der" }' "$WORK/names.txt" >"$WORK/get.list"
: >"$WORK/responses.b64"
BAD=0
while read -r name; do
    in_ns curl -s --fail -X POST -H 'Content-Type: application/ocsp-request' \
        --data-binary "@$WORK/req/$name.der" -o "$WORK/static/r/$name.der" \
        "http://127.0.0.1:$PORT_GOVPKI/ocsp" || BAD=$((BAD + 1))
    base64 -w0 "$WORK/static/r/$name.der" >>"$WORK/responses.b64"
    echo >>"$WORK/responses.b64"
done <"$WORK/names.txt"
echo "$(wc -l <"$WORK/requests.list") requests built with openssl ocsp -reqout -no_nonce (SHA-1 CertIDs); $BAD fetch failures"
echo "request size: $(stat -c %s "$WORK/req/$(head -n1 "$WORK/names.txt").der") bytes; response size: $(stat -c %s "$WORK/static/r/$(head -n1 "$WORK/names.txt").der") bytes"
FIRST=$(head -n1 "$WORK/names.txt")
openssl ocsp -respin "$WORK/static/r/$FIRST.der" -issuer "$WORK/seed/issuer.pem" \
    -cert "$WORK/seed/leaf/$FIRST.pem" -noverify 2>&1 | head -n 4 | sed 's/^/  govpki response: /'
if [ "$BAD" -gt 0 ]; then
    echo "bench/ocsp.sh: $BAD of the responses could not be fetched from govpki" >&2
    exit 1
fi

section "govpki: POST /ocsp, $CONNS connections"
run_wrk govpki "$CONNS" "$ROOT/bench/ocsp/post.lua" "http://127.0.0.1:$PORT_GOVPKI/ocsp" \
    OCSP_REQUEST_LIST="$WORK/requests.list" OCSP_PATH=/ocsp

# Half of the maximum rate, paced: every connection waits DELAY ms before
# each request (wrk's delay() hook), so the offered load is at most
# CONNS / DELAY; the latency is measured from send to answer.
HALF=$(( ${RPS[govpki]:-0} / 2 ))
# Rounded down: the latency adds to the delay, so the rate stays below
# CONNS / DELAY.
DELAY_MS=$(awk -v c="$CONNS" -v r="$HALF" 'BEGIN { if (r > 0) { d = int(c * 1000 / r); if (d < 1) d = 1; print d } else print 10 }')
section "govpki: POST /ocsp, $CONNS connections paced at ${DELAY_MS} ms (about half of the max, $HALF req/s)"
run_wrk govpki_half "$CONNS" "$ROOT/bench/ocsp/post.lua" "http://127.0.0.1:$PORT_GOVPKI/ocsp" \
    OCSP_REQUEST_LIST="$WORK/requests.list" OCSP_PATH=/ocsp OCSP_DELAY_MS="$DELAY_MS"

section "govpki: POST /ocsp, $LOW_CONNS connections (low-rate approximation)"
run_wrk govpki_low "$LOW_CONNS" "$ROOT/bench/ocsp/post.lua" "http://127.0.0.1:$PORT_GOVPKI/ocsp" \
    OCSP_REQUEST_LIST="$WORK/requests.list" OCSP_PATH=/ocsp
GOVPKI_CPU=$(awk '{ print $14 + $15 }' "/proc/${PIDS[0]}/stat" 2>/dev/null || echo 0)
stop "${PIDS[0]}"
PIDS=()
echo "(govpki stopped; CPU time used by the server overall, seeding of its cache included: $(awk -v t="$GOVPKI_CPU" -v h="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / h }') s)"

section "nginx: static DER files, GET, $CONNS connections"
mkdir -p "$WORK/nginx"
sed -e "s|@WORK@|$WORK|g" -e "s|@PORT@|$PORT_NGINX|g" -e "s|@WORKERS@|$(nproc)|g" \
    "$ROOT/bench/ocsp/nginx.conf.template" >"$WORK/nginx/nginx.conf"
chmod -R a+rX "$WORK/static"
echo "workers: $(nproc); config from bench/ocsp/nginx.conf.template"
"${NSX[@]}" nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" &
PIDS+=($!)
wait_port "$PORT_NGINX"
CODE=$(in_ns curl -s -o "$WORK/nginx-check.der" -w '%{http_code}' "http://127.0.0.1:$PORT_NGINX/r/$FIRST.der")
cmp -s "$WORK/nginx-check.der" "$WORK/static/r/$FIRST.der" && echo "check: HTTP $CODE, same bytes as govpki"
run_wrk nginx "$CONNS" "$ROOT/bench/ocsp/get.lua" "http://127.0.0.1:$PORT_NGINX" \
    OCSP_GET_LIST="$WORK/get.list"
stop "${PIDS[0]}"
PIDS=()

section "openssl ocsp -multi 2 (signs each response with the gov-ca P-256 key), POST, $CONNS connections"
# The gov-ca key, decrypted with the bench passphrase: openssl answers as the
# CA itself (no delegated signer), signing every response on the fly.
openssl pkey -passin "pass:$PASSPHRASE" -in "$(ls "$DATA"/keys/gov-ca-*.key.pem | head -n1)" \
    -out "$WORK/gov-ca.key"
echo "index.txt: $(wc -l <"$WORK/seed/index.txt") certificates (status V)"
# nohup, not setsid (issue 3); restarted for each run: it wedges a worker when
# a client closes before sending a request.
# No probe connection to see whether it listens (that alone wedges a
# worker): wait for its ACCEPT line instead. Stopped with SIGKILL (parent and
# workers): a wedged worker spins and the parent does not end on SIGTERM.
start_openssl() {
    nohup "${NSX[@]}" openssl ocsp -index "$WORK/seed/index.txt" -CA "$WORK/seed/issuer.pem" \
        -rsigner "$WORK/seed/issuer.pem" -rkey "$WORK/gov-ca.key" -port "$PORT_OPENSSL" \
        -multi 2 -nmin 60 >"$WORK/openssl.log" 2>&1 &
    OPENSSL_PID=$!
    for _ in $(seq 100); do
        grep -q '^ACCEPT' "$WORK/openssl.log" && return 0
        sleep 0.1
    done
    echo "bench/ocsp.sh: openssl ocsp did not start:" >&2
    cat "$WORK/openssl.log" >&2
    return 1
}
stop_openssl() {
    pkill -KILL -P "$OPENSSL_PID" 2>/dev/null || true
    kill -KILL "$OPENSSL_PID" 2>/dev/null || true
    wait "$OPENSSL_PID" 2>/dev/null || true
    OPENSSL_PID=
}
start_openssl
in_ns curl -s -X POST -H 'Content-Type: application/ocsp-request' \
    --data-binary "@$WORK/req/$FIRST.der" -o "$WORK/openssl-check.der" "http://127.0.0.1:$PORT_OPENSSL/"
openssl ocsp -respin "$WORK/openssl-check.der" -issuer "$WORK/seed/issuer.pem" \
    -cert "$WORK/seed/leaf/$FIRST.pem" -noverify 2>&1 | head -n 2 | sed 's/^/  check: /'
# Restarted after the check (and the warm-up run inside run_wrk would need
# one too: run without warm-up instead, see below).
stop_openssl
start_openssl
run_openssl_wrk() {
    local log="$WORK/wrk-openssl.txt"
    echo "\$ wrk -t $THREADS -c $CONNS -d ${DURATION}s --latency -s post.lua http://127.0.0.1:$PORT_OPENSSL/   # no warm-up: fresh server"
    in_ns env OCSP_REQUEST_LIST="$WORK/requests.list" OCSP_PATH=/ \
        wrk -t "$THREADS" -c "$CONNS" -d "${DURATION}s" --latency -s "$ROOT/bench/ocsp/post.lua" \
        "http://127.0.0.1:$PORT_OPENSSL/" | tee "$log"
    RPS[openssl]=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$log")
    P50[openssl]=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$log")")
    P99[openssl]=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$log")")
    local non2xx sockerr
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$log")
    sockerr=$(awk '/Socket errors:/ { sub(/.*Socket errors: /, ""); print }' "$log")
    ERRS[openssl]="${non2xx:-0} non-2xx${sockerr:+; socket errors: $sockerr}"
}
run_openssl_wrk
stop_openssl

section "cfssl ocspserve over the govpki responses, POST, $CONNS connections"
"${NSX[@]}" cfssl ocspserve -address 127.0.0.1 -port "$PORT_CFSSL" -responses "$WORK/responses.b64" \
    -loglevel 3 >"$WORK/cfssl.log" 2>&1 &
PIDS+=($!)
wait_port "$PORT_CFSSL"
in_ns curl -s -X POST -H 'Content-Type: application/ocsp-request' \
    --data-binary "@$WORK/req/$FIRST.der" -o "$WORK/cfssl-check.der" "http://127.0.0.1:$PORT_CFSSL/"
cmp -s "$WORK/cfssl-check.der" "$WORK/static/r/$FIRST.der" && echo "check: same bytes as govpki"
run_wrk cfssl "$CONNS" "$ROOT/bench/ocsp/post.lua" "http://127.0.0.1:$PORT_CFSSL/" \
    OCSP_REQUEST_LIST="$WORK/requests.list" OCSP_PATH=/
stop "${PIDS[0]}"
PIDS=()

section "results ($CERTS certificates in the store, $REQUESTS distinct requests, ${DURATION} s each, wrk -t $THREADS)"
echo "load after the run: $(uptime)"
G=${RPS[govpki]:-0}
printf '%-34s %10s %10s %10s %12s  %s\n' server "req/s" "p50 ms" "p99 ms" "govpki/x" errors
row() {
    printf '%-34s %10s %10s %10s %12s  %s\n' "$1" "${RPS[$2]:-n/a}" "${P50[$2]:-n/a}" "${P99[$2]:-n/a}" \
        "$(ratio "$G" "${RPS[$2]:-0}")" "${ERRS[$2]:-}"
}
row "govpki serve (POST, -c $CONNS)" govpki
row "nginx static (GET, -c $CONNS)" nginx
row "openssl ocsp -multi 2 (POST)" openssl
row "cfssl ocspserve (POST)" cfssl
row "govpki serve (paced ${DELAY_MS} ms, -c $CONNS)" govpki_half
row "govpki serve (POST, -c $LOW_CONNS)" govpki_low

BEST_PEER=${RPS[openssl]:-0}
BEST_NAME=openssl
if [ "${RPS[cfssl]:-0}" -gt "$BEST_PEER" ]; then BEST_PEER=${RPS[cfssl]}; BEST_NAME=cfssl; fi
goal() {
    if [ "$1" = 1 ]; then echo "MET    $2"; else echo "NOT MET $2"; fi
}
echo
echo "goals:"
goal "$(awk -v a="$G" -v b="${RPS[nginx]:-0}" 'BEGIN { print (b > 0 && a >= 0.8 * b) ? 1 : 0 }')" \
    "govpki >= 0.8x static nginx: $(ratio "$G" "${RPS[nginx]:-0}")x"
goal "$(awk -v a="$G" -v b="$BEST_PEER" 'BEGIN { print (b > 0 && a >= 2 * b) ? 1 : 0 }')" \
    "govpki >= 2x best peer ($BEST_NAME, $BEST_PEER req/s): $(ratio "$G" "$BEST_PEER")x"
HR=${RPS[govpki_half]:-0}
goal "$(awk -v p="${P99[govpki_half]:-99}" 'BEGIN { print (p + 0 < 2) ? 1 : 0 }')" \
    "p99 < 2 ms at about half of govpki's max rate: paced run gave $HR req/s ($(ratio "$HR" "$G")x of max), p99 ${P99[govpki_half]:-n/a} ms"
LOW=${RPS[govpki_low]:-0}
echo "        closed loop with -c $LOW_CONNS: $LOW req/s ($(ratio "$LOW" "$G")x of max), p99 ${P99[govpki_low]:-n/a} ms"
echo "  (approximation: wrk has no fixed-rate mode and wrk2 is not packaged in Debian; the paced run"
echo "   waits a fixed delay per connection between requests, so its rate is a little below the target"
echo "   and a slow answer delays the following request of that connection: coordinated omission is"
echo "   not corrected as wrk2 would)"
# The lines bench/run.sh puts in its table:
# SUMMARY|figure|govpki|reference|reference value|govpki ÷ reference|better
for peer in "nginx:nginx static file, same response bytes (GET)" "cfssl:cfssl ocspserve" "openssl:openssl ocsp -multi 2"; do
    key=${peer%%:*}
    echo "SUMMARY|OCSP, $CERTS certificates, POST, -c $CONNS (responses/s)|$G|${peer#*:}|${RPS[$key]:-n/a}|$(ratio "$G" "${RPS[$key]:-0}")|higher"
done
echo "SUMMARY|OCSP, $CERTS certificates, POST, -c $CONNS: p99 latency (ms)|${P99[govpki]:-n/a}|nginx static file (GET)|${P99[nginx]:-n/a}|$(ratio "${P99[govpki]:-0}" "${P99[nginx]:-0}")|lower"
echo
echo "wrk shares the $(nproc) cores with the server under test; other processes (compilers) were running"
echo "too, see the load averages above. Figures are noisy: compare the ratios, within one run."
echo "command: bash bench/ocsp.sh --certs $CERTS --requests $REQUESTS --duration $DURATION --threads $THREADS --connections $CONNS --low-connections $LOW_CONNS${PG_URL:+ --pg …}"
