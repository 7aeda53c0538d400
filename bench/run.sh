#!/usr/bin/env bash
# Every benchmark with its references, in one run on one machine, and one
# table of the results written into docs/performance.md (between the
# "bench/run.sh table" markers) and bench/run-results-latest.md:
#
#   issuance  bash bench/issuance.sh   (cargo bench issuance: SQLite and
#             PostgreSQL; openssl speed; cfssl serve)
#   OCSP      bash bench/ocsp.sh       (govpki serve; nginx static; cfssl
#             ocspserve; openssl ocsp)
#   CRL       bash bench/crl.sh        (govpki crl generate; openssl ca -gencrl)
#
# Every row: the figure, govpki's value, the reference measured in the same
# run, its value, and govpki ÷ reference (with which way is better).
#
# usage: bash bench/run.sh [--quick]
#   --quick  smaller runs (issuance --quick, OCSP 5 s, CRL of 100 000
#            entries): minutes instead of about half an hour; the table says so.
# env: GOVPKI_TEST_PG_URL (PostgreSQL for the issuance bench, default
#      postgres://postgres@127.0.0.1:5432/test). See bench/README.md.

set -euo pipefail

cd "$(dirname "$0")/.."
DOC=docs/performance.md
TABLE=bench/run-results-latest.md
BEGIN_MARK='<!-- bench/run.sh table: begin -->'
END_MARK='<!-- bench/run.sh table: end -->'

QUICK=0
for arg in "$@"; do
    case "$arg" in
        --quick) QUICK=1 ;;
        -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench/run.sh: unknown argument $arg" >&2; exit 2 ;;
    esac
done

COMMAND="bash bench/run.sh"
if [ "$QUICK" = 1 ]; then
    COMMAND+=" --quick"
    ISSUANCE_ARGS=(--quick)
    OCSP_ARGS=(--duration 5)
    CRL_ARGS=(--entries 100000 --runs 3)
else
    ISSUANCE_ARGS=()
    OCSP_ARGS=()
    CRL_ARGS=()
fi

# What the three scripts run, from Debian when missing.
need=()
for tool in wrk:wrk nginx:nginx cfssl:golang-cfssl curl:curl openssl:openssl /usr/bin/time:time; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || need+=("${tool#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
    echo "installing: ${need[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

LOG=$(mktemp -d -t govpki-bench-run.XXXXXX)
trap 'rm -rf "$LOG"' EXIT
STARTED=$(date -u '+%Y-%m-%d %H:%M UTC')
FAILED=()

# run NAME SCRIPT ARGS…: one benchmark script; its SUMMARY lines are kept.
run() {
    local name=$1 script=$2
    shift 2
    echo "=== $name: bash $script $* ($(date -u '+%H:%M:%S'))"
    if bash "$script" "$@" >"$LOG/$name.txt" 2>&1; then
        echo "    done: $(grep -c '^SUMMARY|' "$LOG/$name.txt" || true) figures"
    else
        echo "    FAILED (last lines below); its rows are missing from the table"
        tail -n 15 "$LOG/$name.txt" | sed 's/^/    | /'
        FAILED+=("$name")
    fi
    grep '^SUMMARY|' "$LOG/$name.txt" >>"$LOG/summary.txt" || true
}

: >"$LOG/summary.txt"
run issuance bench/issuance.sh "${ISSUANCE_ARGS[@]}"
run ocsp bench/ocsp.sh "${OCSP_ARGS[@]}"
run crl bench/crl.sh "${CRL_ARGS[@]}"

{
    echo "$BEGIN_MARK"
    echo
    echo "Measured $STARTED by \`$COMMAND\` on $(uname -m), $(nproc) cores;"
    echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' with uncommitted changes')."
    echo "Each reference ran in the same run on the same machine; the ratio is govpki ÷ reference."
    [ "$QUICK" = 0 ] || echo "**Quick run**: smaller samples than the full run; compare ratios, not absolute figures."
    [ ${#FAILED[@]} -eq 0 ] || echo "**Failed and missing from the table**: ${FAILED[*]}."
    echo
    echo "| figure | govpki | reference (same run) | reference | govpki ÷ reference | better |"
    echo "|---|---:|---|---:|---:|---|"
    awk -F'|' '{ printf "| %s | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6, $7 }' "$LOG/summary.txt"
    echo
    echo "$END_MARK"
} >"$TABLE"

# Replace the table between the markers (or append it with a heading).
if grep -qF "$BEGIN_MARK" "$DOC"; then
    awk -v begin="$BEGIN_MARK" -v end="$END_MARK" -v table="$TABLE" '
        $0 == begin { while ((getline line < table) > 0) print line; skip = 1; next }
        $0 == end { skip = 0; next }
        !skip { print }
    ' "$DOC" >"$LOG/doc.md"
    cat "$LOG/doc.md" >"$DOC"
else
    { echo; echo "## One table: bench/run.sh (issue 7)"; echo; cat "$TABLE"; } >>"$DOC"
fi

echo
cat "$TABLE"
echo "(table written to $DOC and $TABLE; each script's full output is in bench/*results-latest.txt)"
[ ${#FAILED[@]} -eq 0 ]
