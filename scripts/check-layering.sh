#!/usr/bin/env bash
# The layering rules of docs/architecture.md that the compiler alone does
# not state:
# 1. only ca-core reads or writes the CA's tables: no file outside
#    ca-core/src names its diesel schema, and no service sends SQL that
#    names a CA table;
# 2. the services never import each other.
# Prints each offending line and exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."

fail=0
report() {
    echo "layering: $1" >&2
    echo "$2" | sed 's/^/  /' >&2
    fail=1
}

sources() {
    find ca-core ra-portal ocsp-responder crl-publisher src tests fuzz -name '*.rs' \
        -not -path '*/target/*' 2>/dev/null
}

hits=$(sources | grep -v '^ca-core/src/' | xargs grep -nE 'ca_core::store::schema|store::schema::' \
    | grep -vE '^\S+:[0-9]+:\s*(//|///|//!)' || true)
[ -z "$hits" ] || report "the CA schema is imported outside ca-core/src (use ca-core's functions)" "$hits"

ca_tables='issuers|certificates|subscribers|units|tokens|blocked_keys|crls|ocsp_responses|ocsp_signers|audit_events|audit_head|settings'
hits=$(find ra-portal/src ocsp-responder/src crl-publisher/src src -name '*.rs' \
    | xargs grep -nEi "(insert into|update|delete from|from|join) +(${ca_tables})\b" \
    | grep -vE '^\S+:[0-9]+:\s*(//|///|//!)' || true)
[ -z "$hits" ] || report "SQL naming a CA table outside ca-core" "$hits"

for svc in ra-portal ocsp-responder crl-publisher; do
    others=$(echo "ra_portal ocsp_responder crl_publisher" | tr ' ' '\n' | grep -v "^${svc//-/_}$" | paste -sd'|')
    hits=$(grep -rnE "\b(${others})::" "$svc/src" || true)
    [ -z "$hits" ] || report "$svc imports another service" "$hits"
done

# 3. no import cycle between the top-level modules of the RA portal
#    (parent/child aside), and none of its domain modules imports its HTTP layer.
if ! out=$(python3 scripts/module_cycles.py ra-portal/src); then
    report "import cycle in ra-portal" "$out"
fi
hits=$(find ra-portal/src -name '*.rs' -not -path 'ra-portal/src/http/*' \
    -not -name lib.rs -not -name run.rs -not -name main.rs \
    | xargs grep -nE 'crate::http::' || true)
[ -z "$hits" ] || report "ra-portal's domain modules import its HTTP layer" "$hits"

if [ "$fail" -ne 0 ]; then
    exit 1
fi
echo "layering: ok (CA schema only in ca-core/src, no CA-table SQL outside it, services independent, no import cycle in ra-portal)"
