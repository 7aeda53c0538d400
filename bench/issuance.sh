#!/usr/bin/env bash
# The issuance benchmark with its reference figures, in one run on one machine:
#
#   1. govpki: `cargo bench -p ca-core --bench issuance` (end-to-end issuance
#      and raw signing of the same issuing key, SQLite and PostgreSQL,
#      RSA-2048 and P-256);
#   2. `openssl speed -seconds 3 rsa2048 ecdsap256` (single core);
#   3. `cfssl serve` (Debian golang-cfssl) with a P-256 CA: signing rate of
#      M CSRs posted to /api/v1/cfssl/sign, with 1 client and with T clients.
#
# Everything printed is also written to bench/results-latest.txt.
#
# usage: bash bench/issuance.sh [--quick] [--sqlite-only]
# env:   BENCH_N, BENCH_THREADS, GOVPKI_TEST_PG_URL (passed to the cargo bench),
#        CFSSL_M (CSRs posted to cfssl, default 2000; 200 with --quick)
#
# See bench/README.md.

set -euo pipefail

cd "$(dirname "$0")/.."
OUT=bench/results-latest.txt

usage() {
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
}

QUICK=0
BENCH_ARGS=()
for arg in "$@"; do
    case "$arg" in
        --quick) QUICK=1; BENCH_ARGS+=(--quick) ;;
        --sqlite-only) BENCH_ARGS+=(--sqlite-only) ;;
        -h|--help) usage; exit 0 ;;
        *) echo "bench/issuance.sh: unknown argument $arg" >&2; usage >&2; exit 2 ;;
    esac
done

THREADS=${BENCH_THREADS:-$(nproc)}
if [ "$QUICK" = 1 ]; then
    CFSSL_M=${CFSSL_M:-200}
    SPEED_SECONDS=1
else
    CFSSL_M=${CFSSL_M:-2000}
    SPEED_SECONDS=3
fi

WORK=
CFSSL_PID=
cleanup() {
    if [ -n "$CFSSL_PID" ]; then
        kill "$CFSSL_PID" 2>/dev/null || true
        wait "$CFSSL_PID" 2>/dev/null || true
    fi
    if [ -n "$WORK" ]; then
        rm -rf "$WORK"
    fi
}

# rate_of KEY DB FIELD: a figure from the RESULT lines of the cargo bench.
rate_of() {
    sed -n "s/^RESULT db=$2 key=$1 .* $3=\([0-9.]*\).*/\1/p" "$WORK/govpki.txt" | head -n1
}

# cpu_ticks PID: user + system CPU time of a process, in clock ticks.
cpu_ticks() {
    awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}

ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
}

section() {
    printf '\n######## %s\n' "$1"
}

run_govpki() {
    section "govpki: cargo bench -p ca-core --bench issuance -- ${BENCH_ARGS[*]:-}"
    # Build first, so the compile output stays apart from the figures.
    cargo bench -p ca-core --bench issuance --no-run 2>&1 | grep -v '^ *Compiling ' || true
    if ! cargo bench -p ca-core --bench issuance -- "${BENCH_ARGS[@]}" 2>&1 | tee "$WORK/govpki.txt"; then
        echo "govpki bench FAILED (see above)"
        return 1
    fi
}

run_openssl_speed() {
    section "reference: openssl speed -seconds $SPEED_SECONDS rsa2048 ecdsap256 (one core)"
    if ! command -v openssl >/dev/null; then
        echo "openssl not found: openssl speed skipped"
        return 0
    fi
    openssl version
    openssl speed -seconds "$SPEED_SECONDS" rsa2048 ecdsap256 >"$WORK/speed.txt" 2>/dev/null
    OPENSSL_RSA=$(awk '/^rsa 2048 bits/ { print $(NF-1) }' "$WORK/speed.txt")
    OPENSSL_P256=$(awk '/ecdsa \(nistp256\)/ { print $(NF-1) }' "$WORK/speed.txt")
    grep -E '^ *(sign|rsa 2048 bits|256 bits ecdsa)' "$WORK/speed.txt" || true
    echo "openssl rsa2048 sign/s (1 core): ${OPENSSL_RSA:-?}"
    echo "openssl p256    sign/s (1 core): ${OPENSSL_P256:-?}"
}

ensure_cfssl() {
    if command -v cfssl >/dev/null && command -v cfssljson >/dev/null; then
        return 0
    fi
    echo "cfssl not found: installing Debian golang-cfssl"
    local sudo=
    if [ "$(id -u)" != 0 ]; then
        sudo=sudo
    fi
    if ! { $sudo apt-get update -qq && $sudo apt-get install -y -qq golang-cfssl; } >"$WORK/apt.log" 2>&1; then
        tail -n 5 "$WORK/apt.log"
        return 1
    fi
    command -v cfssl >/dev/null && command -v cfssljson >/dev/null
}

run_cfssl() {
    section "reference: cfssl serve, P-256 CA, $CFSSL_M CSRs posted to /api/v1/cfssl/sign"
    if ! ensure_cfssl; then
        echo "cfssl could NOT be installed (apt-get install golang-cfssl failed): cfssl comparison skipped"
        return 0
    fi
    cfssl version | head -n1
    local dir="$WORK/cfssl"
    mkdir -p "$dir/csr"
    cat >"$dir/ca-csr.json" <<'EOF'
{"CN": "cfssl bench CA", "key": {"algo": "ecdsa", "size": 256}, "names": [{"C": "VN", "O": "bench"}]}
EOF
    (cd "$dir" && cfssl gencert -initca ca-csr.json 2>/dev/null | cfssljson -bare ca)

    # M CSRs on fresh P-256 keys, made before any timing.
    local started=$SECONDS
    seq 1 "$CFSSL_M" | xargs -P "$(nproc)" -I{} openssl req -new -newkey ec \
        -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout /dev/null \
        -subj "/C=VN/ST=Cần Thơ/CN=Nguyễn Văn An {}" -utf8 -out "$dir/csr/{}.pem" 2>/dev/null
    echo "$CFSSL_M CSRs (P-256) generated with openssl in $((SECONDS - started)) s"

    local port
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    # -loglevel 2: no log line per request (cfssl at its fastest).
    cfssl serve -address 127.0.0.1 -port "$port" -ca "$dir/ca.pem" -ca-key "$dir/ca-key.pem" \
        -loglevel 2 >"$dir/serve.log" 2>&1 &
    CFSSL_PID=$!
    local i
    for i in $(seq 1 50); do
        if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
            break
        fi
        sleep 0.2
    done
    echo "cfssl serve on 127.0.0.1:$port (pid $CFSSL_PID)"

    cat >"$dir/client.py" <<'EOF'
"""Posts every CSR of a directory to cfssl's /api/v1/cfssl/sign and prints the rate.

One process per client (no GIL contention), one keep-alive connection each;
every client sends a warm-up request, then all start together; the clock
runs from the start signal to the last response."""
import http.client
import json
import multiprocessing as mp
import os
import sys
import time

HOST, PORT, CSR_DIR, CLIENTS = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
PATH = "/api/v1/cfssl/sign"
HEADERS = {"Content-Type": "application/json"}


def post(conn, body):
    conn.request("POST", PATH, body, HEADERS)
    resp = conn.getresponse()
    data = resp.read()
    if resp.status != 200 or not json.loads(data).get("success"):
        raise RuntimeError(f"cfssl answered {resp.status}: {data[:200]!r}")


def worker(bodies, ready, go, results):
    try:
        conn = http.client.HTTPConnection(HOST, PORT)
        post(conn, bodies[0])  # warm-up, untimed
        ready.put(True)
        go.wait()
        for body in bodies:
            post(conn, body)
        results.put(("ok", len(bodies), time.perf_counter()))
    except Exception as e:  # reported by the parent
        ready.put(False)
        results.put(("error", str(e), time.perf_counter()))


def main():
    bodies = []
    for name in sorted(os.listdir(CSR_DIR)):
        with open(os.path.join(CSR_DIR, name)) as f:
            bodies.append(json.dumps({"certificate_request": f.read()}).encode())
    chunks = [bodies[i::CLIENTS] for i in range(CLIENTS)]
    ready, results, go = mp.Queue(), mp.Queue(), mp.Event()
    procs = [mp.Process(target=worker, args=(c, ready, go, results)) for c in chunks]
    for p in procs:
        p.start()
    if not all(ready.get() for _ in procs):
        go.set()
    start = time.perf_counter()
    go.set()
    outcomes = [results.get() for _ in procs]
    for p in procs:
        p.join()
    errors = [o[1] for o in outcomes if o[0] == "error"]
    if errors:
        print(f"cfssl client error: {errors[0]}")
        sys.exit(1)
    done = sum(o[1] for o in outcomes)
    end = max(o[2] for o in outcomes)
    print(f"cfssl {CLIENTS} client(s): {done} certificates signed in {end - start:.3f} s = {done / (end - start):.1f}/s")
    print(f"CFSSL_RATE {done / (end - start):.1f}")


if __name__ == "__main__":
    mp.set_start_method("fork")
    main()
EOF
    local clients cpu_before cpu_after
    for clients in 1 "$THREADS"; do
        cpu_before=$(cpu_ticks "$CFSSL_PID")
        if ! python3 "$dir/client.py" 127.0.0.1 "$port" "$dir/csr" "$clients" >"$dir/client-$clients.txt" 2>&1; then
            cat "$dir/client-$clients.txt"
            echo "cfssl measurement with $clients client(s) FAILED"
            continue
        fi
        cpu_after=$(cpu_ticks "$CFSSL_PID")
        grep -v '^CFSSL_RATE' "$dir/client-$clients.txt"
        # The client shares the cores with the server; the server's own CPU
        # time per certificate (warm-up requests included) bounds what it
        # could do alone.
        awk -v t=$((cpu_after - cpu_before)) -v hz="$(getconf CLK_TCK)" -v m="$CFSSL_M" -v c="$clients" 'BEGIN {
            if (t > 0) printf "  cfssl server CPU: %.3f ms per certificate (= %.0f certificates/s per fully used core; client excluded)\n", 1000 * t / hz / (m + c), (m + c) * hz / t
        }'
        local rate
        rate=$(sed -n 's/^CFSSL_RATE //p' "$dir/client-$clients.txt")
        if [ "$clients" = 1 ]; then CFSSL_1=$rate; else CFSSL_T=$rate; fi
        [ "$THREADS" = 1 ] && CFSSL_T=$rate
    done
    kill "$CFSSL_PID" 2>/dev/null || true
    wait "$CFSSL_PID" 2>/dev/null || true
    CFSSL_PID=
}

compare() {
    section "comparison (same run, same machine)"
    local db
    for db in sqlite postgres; do
        local i1 it s1
        i1=$(rate_of p256 "$db" issue_1t)
        it=$(rate_of p256 "$db" issue_nt)
        [ -n "$i1" ] || continue
        if [ -n "${CFSSL_1:-}" ]; then
            echo "govpki p256 issuance/s ($db, 1 thread) $i1 vs cfssl sign/s (1 client) $CFSSL_1 = $(ratio "$i1" "$CFSSL_1")"
        fi
        if [ -n "${CFSSL_T:-}" ]; then
            echo "govpki p256 issuance/s ($db, $THREADS threads) $it vs cfssl sign/s ($THREADS clients) $CFSSL_T = $(ratio "$it" "$CFSSL_T")"
        fi
        local ib
        ib=$(rate_of p256 "$db" issue_batch)
        if [ -n "${CFSSL_T:-}" ] && [ -n "$ib" ]; then
            echo "govpki p256 batch issuance/s ($db, 1 thread, batches of 100) $ib vs cfssl sign/s ($THREADS clients) $CFSSL_T = $(ratio "$ib" "$CFSSL_T")"
        fi
        if [ -z "${CFSSL_1:-}${CFSSL_T:-}" ]; then
            echo "govpki p256 issuance/s ($db) $i1 (1 thread), $it ($THREADS threads) vs cfssl: not measured"
        fi
    done
    for db in sqlite postgres; do
        local ir sr
        ir=$(rate_of rsa2048 "$db" issue_1t)
        sr=$(rate_of rsa2048 "$db" sign_1t)
        [ -n "$ir" ] || continue
        echo "govpki rsa2048 issuance/s ($db, 1 thread) $ir vs raw RSA-2048 sign/s of the same key $sr = $(ratio "$ir" "$sr") (goal >= 0.70)"
        local rb
        rb=$(rate_of rsa2048 "$db" issue_batch)
        [ -z "$rb" ] || echo "govpki rsa2048 batch issuance/s ($db, 1 thread, batches of 100) $rb vs raw RSA-2048 sign/s of the same key $sr = $(ratio "$rb" "$sr") (goal >= 0.70)"
    done
    summary
    local s
    s=$(rate_of rsa2048 sqlite sign_1t)
    if [ -n "$s" ] && [ -n "${OPENSSL_RSA:-}" ]; then
        echo "raw RSA-2048 sign/s, 1 thread: govpki key (aws-lc-rs) $s vs openssl speed $OPENSSL_RSA = $(ratio "$s" "$OPENSSL_RSA")"
    fi
    s=$(rate_of p256 sqlite sign_1t)
    if [ -n "$s" ] && [ -n "${OPENSSL_P256:-}" ]; then
        echo "raw P-256 sign/s, 1 thread: govpki key (aws-lc-rs) $s vs openssl speed $OPENSSL_P256 = $(ratio "$s" "$OPENSSL_P256")"
    fi
}

# The lines bench/run.sh puts in its table:
# SUMMARY|figure|govpki|reference|reference value|govpki ÷ reference|better
summary() {
    local db name
    for db in sqlite postgres; do
        name=SQLite
        [ "$db" = sqlite ] || name=PostgreSQL
        local ir sr i1 it
        ir=$(rate_of rsa2048 "$db" issue_1t)
        sr=$(rate_of rsa2048 "$db" sign_1t)
        if [ -n "$ir" ] && [ -n "$sr" ]; then
            echo "SUMMARY|Issuance, RSA-2048 issuing key, $name, 1 thread (certificates/s)|$ir|raw signing of the same key (sign/s)|$sr|$(ratio "$ir" "$sr")|higher"
        fi
        i1=$(rate_of p256 "$db" issue_1t)
        it=$(rate_of p256 "$db" issue_nt)
        if [ -n "$i1" ] && [ -n "${CFSSL_1:-}" ]; then
            echo "SUMMARY|Issuance, P-256 issuing key, $name, 1 thread (certificates/s)|$i1|cfssl serve, 1 client|$CFSSL_1|$(ratio "$i1" "$CFSSL_1")|higher"
        fi
        if [ -n "$it" ] && [ -n "${CFSSL_T:-}" ]; then
            echo "SUMMARY|Issuance, P-256 issuing key, $name, $THREADS threads (certificates/s)|$it|cfssl serve, $THREADS clients|$CFSSL_T|$(ratio "$it" "$CFSSL_T")|higher"
        fi
    done
    local s
    s=$(rate_of rsa2048 sqlite sign_1t)
    if [ -n "$s" ] && [ -n "${OPENSSL_RSA:-}" ]; then
        echo "SUMMARY|Raw RSA-2048 signing, 1 thread (sign/s)|$s|openssl speed rsa2048|$OPENSSL_RSA|$(ratio "$s" "$OPENSSL_RSA")|higher"
    fi
}

main() {
    # main runs in the subshell of the pipeline into tee: its own trap.
    WORK=$(mktemp -d -t govpki-bench-sh.XXXXXX)
    trap cleanup EXIT
    echo "govpki issuance benchmark — $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "command: bash bench/issuance.sh $*"
    echo "host: $(uname -srm), $(nproc) cores, T = $THREADS"
    echo "load at start: $(uptime | sed 's/.*load average/load average/')"
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "rustc: $(rustc --version)"
    if ! run_govpki; then
        return 1
    fi
    run_openssl_speed
    run_cfssl
    compare
    echo
    echo "load at end: $(uptime | sed 's/.*load average/load average/')"
}

set +e
main "$@" 2>&1 | tee "$OUT"
status=${PIPESTATUS[0]}
set -e
echo "(written to $OUT)"
exit "$status"
