#!/usr/bin/env bash
# The RA portal benchmark, in one run on one machine, through the JSON API
# of a running `govpki serve` (release build, a fresh `init --demo` data dir):
#
#   (a) the CSV import of N subscribers (one unit of Cần Thơ), timed from the
#       POST /api/v1/subscribers/import to its 201;
#   (b) the unit re-issue of N certificates: one certificate per imported
#       subscriber is seeded first (ca-core example ra_seed, untimed), then
#       a rename of the unit is submitted and approved; timed from the
#       approval to the request being `issued`;
#   (c) the raw signing rate of the same issuing key (gov-ca) in the same
#       run (ca-core example ra_seed sign-rate, one thread), the reference
#       of (b).
#
# Prints a table: figure, count, seconds, rate, reference, ratio. Everything
# printed is also written to bench/ra-results-latest.txt.
#
# usage: bash bench/ra.sh [--count N] [--database-url URL] [--profile P]
#   --count N          subscribers and certificates (default 10000)
#   --database-url URL a PostgreSQL database to use instead of SQLite (it
#                      must be empty: init --demo runs on it)
#   --profile P        cargo profile to build and run (default release;
#                      `dev` reuses a debug build, dependencies at opt-level 2)
#
# See bench/README.md.

set -euo pipefail

cd "$(dirname "$0")/.."
OUT=bench/ra-results-latest.txt

usage() {
    sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'
}

COUNT=10000
DB_URL=
PROFILE=release
while [ $# -gt 0 ]; do
    case "$1" in
        --count) COUNT=${2:?--count needs a number}; shift 2 ;;
        --database-url) DB_URL=${2:?--database-url needs a URL}; shift 2 ;;
        --profile) PROFILE=${2:?--profile needs a name}; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "bench/ra.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done
case "$COUNT" in
    ''|*[!0-9]*|0) echo "bench/ra.sh: --count must be a positive number" >&2; exit 2 ;;
esac

UNIT="Sở Thông tin và Truyền thông"
NEW_UNIT="Sở Khoa học, Công nghệ và Truyền thông"
PASSWORD="Mật khẩu bench 2026!"
TARGET=${CARGO_TARGET_DIR:-target}
case "$PROFILE" in
    release) BIN="$TARGET/release" ;;
    dev) BIN="$TARGET/debug" ;;
    *) BIN="$TARGET/$PROFILE" ;;
esac
WORK=
SERVER_PID=

cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [ -n "$WORK" ]; then
        rm -rf "$WORK"
    fi
}

section() {
    printf '\n######## %s\n' "$1"
}

now() {
    date +%s.%N
}

elapsed() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'
}

rate() {
    awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.1f", n / s; else print "n/a" }'
}

ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
}

govpki() {
    local db=()
    [ -z "$DB_URL" ] || db=(--database-url "$DB_URL")
    "$BIN/govpki" --data-dir "$WORK/data" "${db[@]}" "$@"
}

ra_seed() {
    local db=()
    [ -z "$DB_URL" ] || db=(--database-url "$DB_URL")
    "$BIN/examples/ra_seed" "$1" --data-dir "$WORK/data" "${db[@]}" "${@:2}"
}

# json FILTER: a field of the JSON on stdin (a Python expression on `v`).
json() {
    python3 -c "import json, sys; v = json.load(sys.stdin); print($1)"
}

# api METHOD PATH TOKEN [BODY-FILE [CONTENT-TYPE]]: the body of the answer;
# fails on a status that is not 2xx.
api() {
    local args=(-s -m 3600 -X "$1" -o "$WORK/answer" -w '%{http_code}' "$BASE$2")
    [ -z "$3" ] || args+=(-H "Authorization: Bearer $3")
    if [ $# -ge 4 ]; then
        args+=(-H "Content-Type: ${5:-application/json}" --data-binary "@$4")
    fi
    local code
    code=$(curl "${args[@]}")
    if [ "${code:0:1}" != 2 ]; then
        echo "$1 $2 answered $code: $(head -c 600 "$WORK/answer")" >&2
        return 1
    fi
    cat "$WORK/answer"
}

# sign_in USERNAME PASSWORD [TOTP-SECRET]: a bearer token, the one-time
# password changed to $PASSWORD.
sign_in() {
    local code=
    if [ -n "${3:-}" ]; then
        code=$(python3 - "$3" <<'EOF'
import base64, hashlib, hmac, struct, sys, time
secret = sys.argv[1].strip().upper()
key = base64.b32decode(secret + "=" * (-len(secret) % 8))
digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
offset = digest[-1] & 15
print("%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000))
EOF
)
    fi
    python3 -c 'import json, sys; print(json.dumps({"username": sys.argv[1], "password": sys.argv[2], "totp": sys.argv[3] or None}))' \
        "$1" "$2" "$code" >"$WORK/login.json"
    local token
    token=$(api POST /api/v1/session "" "$WORK/login.json" | json 'v["token"]')
    python3 -c 'import json, sys; print(json.dumps({"old": sys.argv[1], "new": sys.argv[2]}))' \
        "$2" "$PASSWORD" >"$WORK/password.json"
    api POST /api/v1/password "$token" "$WORK/password.json" >/dev/null
    echo "$token"
}

# field USERNAME LABEL: a line of the accounts `init --demo` printed.
field() {
    awk -v u="$1" -v l="$2: " '
        index($0, "username: ") == 1 { cur = substr($0, 11) }
        cur == u && index($0, l) == 1 { print substr($0, length(l) + 1); exit }
    ' "$WORK/init.txt"
}

start_server() {
    local port
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    govpki serve --listen "127.0.0.1:$port" >"$WORK/serve.log" 2>&1 &
    SERVER_PID=$!
    local i
    for i in $(seq 1 100); do
        if grep -q "listening on" "$WORK/serve.log"; then
            break
        fi
        sleep 0.2
    done
    grep -q "listening on" "$WORK/serve.log" || { cat "$WORK/serve.log"; return 1; }
    BASE="http://127.0.0.1:$port"
    echo "govpki serve on $BASE (pid $SERVER_PID)"
}

main() {
    WORK=$(mktemp -d -t govpki-bench-ra.XXXXXX)
    trap cleanup EXIT
    echo "govpki RA benchmark — $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "command: bash bench/ra.sh --count $COUNT --profile $PROFILE${DB_URL:+ --database-url (PostgreSQL)}"
    echo "host: $(uname -srm), $(nproc) cores"
    echo "load at start: $(uptime | sed 's/.*load average/load average/')"
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "database: ${DB_URL:+PostgreSQL}${DB_URL:-SQLite (a file in ${TMPDIR:-/tmp})}"

    section "build (profile $PROFILE)"
    cargo build --profile "$PROFILE" -p govpki --bin govpki 2>&1 | grep -v '^ *Compiling ' || true
    cargo build --profile "$PROFILE" -p ca-core --example ra_seed 2>&1 | grep -v '^ *Compiling ' || true
    [ -x "$BIN/govpki" ] && [ -x "$BIN/examples/ra_seed" ] || { echo "the build failed"; return 1; }
    mkdir -p "$WORK/data"
    govpki init --demo >"$WORK/init.txt"
    start_server
    local officer approver
    officer=$(sign_in officer "$(field officer 'one-time password')")
    approver=$(sign_in approver "$(field approver 'one-time password')" "$(field approver 'totp secret')")

    section "(a) CSV import of $COUNT subscribers"
    python3 - "$COUNT" "$UNIT" >"$WORK/subscribers.csv" <<'EOF'
import sys
n, unit = int(sys.argv[1]), sys.argv[2]
print("loại,họ và tên,số định danh,chức danh,đơn vị,tỉnh/thành phố,email")
for i in range(n):
    print(f"cá nhân,Cán bộ Số {i},CCCD:092089{i:06d},Chuyên viên,{unit},Cần Thơ,canbo{i}@cantho.gov.vn")
EOF
    echo "CSV: $(wc -l <"$WORK/subscribers.csv") lines, $(wc -c <"$WORK/subscribers.csv") bytes"
    local t0 t1
    t0=$(now)
    api POST /api/v1/subscribers/import "$officer" "$WORK/subscribers.csv" text/csv >"$WORK/import.json"
    t1=$(now)
    IMPORT_S=$(elapsed "$t0" "$t1")
    local created
    created=$(json 'len(v["created"])' <"$WORK/import.json")
    [ "$created" = "$COUNT" ] || { echo "the import created $created subscribers, not $COUNT"; return 1; }
    echo "imported $created subscribers in $IMPORT_S s"

    section "(b) unit re-issue of $COUNT certificates"
    ra_seed seed --unit "$UNIT"
    local unit_id
    unit_id=$(api GET /api/v1/units "$officer" | python3 -c "
import json, sys
v = json.load(sys.stdin)
print(next(u['id'] for u in v['units'] if u['name'] == sys.argv[1]))" "$UNIT")
    python3 -c 'import json, sys; print(json.dumps({"kind": "unit_change", "unit_id": int(sys.argv[1]), "unit_name": sys.argv[2]}))' \
        "$unit_id" "$NEW_UNIT" >"$WORK/rename.json"
    local id state
    id=$(api POST /api/v1/requests "$officer" "$WORK/rename.json" | json 'v["id"]')
    echo '{}' >"$WORK/empty.json"
    t0=$(now)
    state=$(api POST "/api/v1/requests/$id/approve" "$approver" "$WORK/empty.json" | json 'v["state"]')
    while [ "$state" = approved ]; do
        sleep 0.5
        state=$(api GET "/api/v1/requests/$id" "$approver" | json 'v["state"]')
    done
    t1=$(now)
    REISSUE_S=$(elapsed "$t0" "$t1")
    api GET "/api/v1/bulk/$id" "$approver" >"$WORK/job.json"
    local done failed
    done=$(json 'v["done"]' <"$WORK/job.json")
    failed=$(json 'v["failed"]' <"$WORK/job.json")
    echo "request $id: $state; $done certificates re-issued, $failed failed, in $REISSUE_S s"
    [ "$state" = issued ] && [ "$done" = "$COUNT" ] || { echo "the re-issue did not complete"; return 1; }
    # Stop the server so the raw signing runs alone, as the job did.
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=

    section "(c) raw signing rate of gov-ca's key (same run, one thread)"
    local sign_n=$((COUNT < 2000 ? 2000 : COUNT))
    ra_seed sign-rate --n "$sign_n" | tee "$WORK/sign.txt"
    SIGN_RATE=$(sed -n 's/^SIGN_RATE //p' "$WORK/sign.txt")

    section "results"
    local import_rate reissue_rate
    import_rate=$(rate "$COUNT" "$IMPORT_S")
    reissue_rate=$(rate "$COUNT" "$REISSUE_S")
    printf '%-44s %8s %10s %12s %26s %7s\n' figure count seconds "rate (/s)" reference ratio
    printf '%-44s %8s %10s %12s %26s %7s\n' "CSV import of subscribers (API)" "$COUNT" "$IMPORT_S" "$import_rate" "—" "—"
    printf '%-44s %8s %10s %12s %26s %7s\n' "unit re-issue (approval → issued)" "$COUNT" "$REISSUE_S" "$reissue_rate" "raw sign $SIGN_RATE/s" "$(ratio "$reissue_rate" "$SIGN_RATE")"
    printf '%-44s %8s %10s %12s %26s %7s\n' "raw signing, gov-ca key, 1 thread" "$sign_n" "—" "$SIGN_RATE" "—" "1.00"
    echo
    echo "load at end: $(uptime | sed 's/.*load average/load average/')"
}

set +e
main "$@" 2>&1 | tee "$OUT"
status=${PIPESTATUS[0]}
set -e
echo "(written to $OUT)"
exit "$status"
