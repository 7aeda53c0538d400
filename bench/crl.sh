#!/usr/bin/env bash
# The CRL benchmark with its reference, in one run on one machine, over the
# same revoked certificates and the same issuing key:
#
#   govpki   `govpki crl generate --issuer gov-ca --full` over N revoked
#            certificates of gov-ca (RSA-2048), a whole CLI process: open
#            the database, decrypt the key, read the N rows, build, sign,
#            verify and store the CRL;
#   openssl  `openssl ca -gencrl` over an index.txt holding the same N
#            entries (serials, dates, reasons), signing with the same gov-ca
#            key (decrypted for it with `openssl pkey`).
#
# Each is run R times (wall time and peak RSS by /usr/bin/time, the median
# is reported); both CRLs are then checked with `openssl crl -verify` under
# the chain and must list exactly N serials.
#
# usage: bash bench/crl.sh [--entries N] [--runs R] [--pg POSTGRES_URL_OF_AN_EMPTY_DATABASE] [--keep]
# defaults: 1000000 entries, 3 runs, SQLite in a temporary directory.
# Output also in bench/crl-results-latest.txt. See bench/README.md.

set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=bench/crl-results-latest.txt

ENTRIES=1000000
RUNS=3
PG_URL=
KEEP=0
usage() {
    sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
}
while [ $# -gt 0 ]; do
    case "$1" in
        --entries) ENTRIES=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --pg) PG_URL=$2; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "bench/crl.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done
case "$ENTRIES$RUNS" in
    *[!0-9]*) echo "bench/crl.sh: --entries and --runs take whole numbers" >&2; exit 2 ;;
esac
if ! [ -x /usr/bin/time ]; then
    echo "bench/crl.sh: /usr/bin/time not found (Debian package time)" >&2
    exit 2
fi

WORK=$(mktemp -d -t govpki-crl-bench.XXXXXX)
cleanup() {
    if [ "$KEEP" = 1 ]; then
        echo "kept $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT

export GOVPKI_KEY_PASSPHRASE="crl benchmark passphrase, not a secret"
DATA=$WORK/data
SEED=$WORK/seed
OSSL=$WORK/openssl
mkdir -p "$OSSL"
DB_ARGS=()
[ -z "$PG_URL" ] || DB_ARGS=(--database-url "$PG_URL")

section() {
    printf '\n######## %s\n' "$1"
}
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
}
median() {
    sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# timed NAME CMD…: runs CMD under /usr/bin/time, appends "seconds max_rss_kb"
# to $WORK/NAME.times; CMD's output goes to $WORK/NAME.log.
timed() {
    local name=$1
    shift
    if ! /usr/bin/time -f '%e %M' -o "$WORK/time.txt" "$@" >>"$WORK/$name.log" 2>&1; then
        echo "$name FAILED:" >&2
        tail -n 5 "$WORK/$name.log" >&2
        return 1
    fi
    cat "$WORK/time.txt" >>"$WORK/$name.times"
    echo "  $name run: $(awk '{ printf "%.2f s, peak RSS %.0f MB", $1, $2 / 1024 }' "$WORK/time.txt")"
}

# check_crl NAME FORM FILE: the CRL verifies under the chain and lists N serials.
check_crl() {
    local name=$1 form=$2 file=$3
    local verify listed
    verify=$(openssl crl -inform "$form" -in "$file" -CAfile "$SEED/chain.pem" -noout -verify 2>&1)
    listed=$(openssl crl -inform "$form" -in "$file" -noout -text | grep -c 'Serial Number:' || true)
    echo "  $name CRL: $(stat -c %s "$file") bytes, $listed entries, openssl crl -verify: $verify"
    if [ "$verify" != "verify OK" ] || [ "$listed" != "$ENTRIES" ]; then
        echo "bench/crl.sh: the $name CRL is not what it must be" >&2
        return 1
    fi
}

main() {
    # main runs in the pipeline into tee: stop at the first failure.
    set -e
    echo "govpki CRL benchmark — $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "command: bash bench/crl.sh --entries $ENTRIES --runs $RUNS${PG_URL:+ --pg …}"
    echo "host: $(uname -srm), $(nproc) cores; database: ${PG_URL:+PostgreSQL}${PG_URL:-SQLite}"
    echo "load at start: $(uptime | sed 's/.*load average/load average/')"
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
    openssl version

    section "build (release)"
    { cargo build --release --locked -p govpki --bin govpki 2>&1 \
        && cargo build --release --locked -p ca-core --example crl_seed 2>&1; } | grep -v '^ *Compiling ' || true
    local govpki=$ROOT/target/release/govpki
    local seed=$ROOT/target/release/examples/crl_seed

    section "seed: $ENTRIES revoked certificates of gov-ca"
    "$seed" --data-dir "$DATA" "${DB_ARGS[@]}" --entries "$ENTRIES" --key rsa2048 --out "$SEED"

    section "openssl ca set-up: the same entries, the same key"
    cp "$SEED/index.txt" "$SEED/index.txt.attr" "$SEED/gov-ca.pem" "$OSSL/"
    echo 01 >"$OSSL/crlnumber"
    openssl pkey -in "$DATA/keys/$(cat "$SEED/gov-ca.key-ref")" -passin env:GOVPKI_KEY_PASSPHRASE \
        -out "$OSSL/gov-ca.key"
    cat >"$OSSL/openssl.cnf" <<EOF
[ ca ]
default_ca = bench

[ bench ]
dir = $OSSL
database = \$dir/index.txt
crlnumber = \$dir/crlnumber
certificate = \$dir/gov-ca.pem
private_key = \$dir/gov-ca.key
default_md = sha256
default_crl_days = 7
crl_extensions = crl_ext

[ crl_ext ]
authorityKeyIdentifier = keyid:always
EOF
    echo "index.txt: $(wc -l <"$OSSL/index.txt") lines"

    section "timed: $RUNS runs each, alternating"
    local r
    for r in $(seq 1 "$RUNS"); do
        timed govpki "$govpki" --data-dir "$DATA" "${DB_ARGS[@]}" crl generate --issuer gov-ca --full
        timed openssl openssl ca -config "$OSSL/openssl.cnf" -gencrl -out "$OSSL/gov-ca.crl"
    done

    section "checks"
    "$govpki" --data-dir "$DATA" "${DB_ARGS[@]}" crl show --issuer gov-ca --out "$WORK/govpki.crl" >/dev/null
    check_crl govpki DER "$WORK/govpki.crl"
    check_crl openssl PEM "$OSSL/gov-ca.crl"

    local gs gm os om
    gs=$(awk '{ print $1 }' "$WORK/govpki.times" | median)
    gm=$(awk '{ printf "%.0f\n", $2 / 1024 }' "$WORK/govpki.times" | median)
    os=$(awk '{ print $1 }' "$WORK/openssl.times" | median)
    om=$(awk '{ printf "%.0f\n", $2 / 1024 }' "$WORK/openssl.times" | median)

    section "results ($ENTRIES entries, median of $RUNS runs)"
    printf '%-28s %12s %16s\n' "" "seconds" "peak RSS (MB)"
    printf '%-28s %12s %16s\n' "govpki crl generate" "$gs" "$gm"
    printf '%-28s %12s %16s\n' "openssl ca -gencrl" "$os" "$om"
    echo "govpki time ÷ openssl time: $(ratio "$gs" "$os") (below 1: govpki is faster)"
    echo "govpki RSS ÷ openssl RSS:   $(ratio "$gm" "$om")"
    local goal_time goal_rss
    goal_time=$(awk -v g="$gs" -v o="$os" 'BEGIN { print (g < 3 && g < o) ? "MET" : "NOT MET" }')
    goal_rss=$(awk -v m="$gm" 'BEGIN { print (m < 300) ? "MET" : "NOT MET" }')
    if [ "$ENTRIES" = 1000000 ]; then
        echo "goal < 3 s and faster than openssl: $goal_time; goal < 300 MB: $goal_rss"
    fi
    # For bench/run.sh: figure | govpki | reference | reference value | govpki ÷ reference | better
    echo "SUMMARY|CRL of $ENTRIES entries: generation time (s)|$gs|openssl ca -gencrl|$os|$(ratio "$gs" "$os")|lower"
    echo "SUMMARY|CRL of $ENTRIES entries: peak RSS (MB)|$gm|openssl ca -gencrl|$om|$(ratio "$gm" "$om")|lower"
    echo
    echo "load at end: $(uptime | sed 's/.*load average/load average/')"
}

set +e
main 2>&1 | tee "$OUT"
status=${PIPESTATUS[0]}
set -e
echo "(written to $OUT)"
exit "$status"
