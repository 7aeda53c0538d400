#!/usr/bin/env bash
# Runs every fuzz target for DURATION seconds (default 600) on the stable
# toolchain: libFuzzer (libfuzzer-sys) with the coverage instrumentation
# cargo-fuzz uses, without a sanitizer (Rust code is memory-safe; the
# targets assert their invariants). Where a nightly toolchain exists,
# `cargo fuzz run TARGET` does the same with AddressSanitizer.
#
# usage: bash fuzz/run.sh [DURATION] [TARGET…]
# New interesting inputs are merged into fuzz/corpus/TARGET/ (commit them:
# ca-core/tests/fuzz_corpus.rs and ra-portal/tests/fuzz_corpus.rs replay
# the corpus in CI). A crash leaves its input in fuzz/artifacts/TARGET/.
set -euo pipefail
cd "$(dirname "$0")"
DURATION="${1:-600}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(csr ocsp_request csv_import xlsx_import identifiers ocsp_response list_query batch_zip)

export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
# An explicit --target keeps RUSTFLAGS off build scripts and proc macros
# (they would need libFuzzer's symbols), as cargo-fuzz does.
TRIPLE=$(rustc -vV | sed -n 's/^host: //p')
cargo build --release --bins --target "$TRIPLE"
BIN="target/$TRIPLE/release"

for t in "${TARGETS[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t" "target/new-corpus/$t"
    echo "== $t: ${DURATION}s, corpus $(ls "corpus/$t" | wc -l) files"
    "$BIN/$t" "target/new-corpus/$t" "corpus/$t" \
        -max_total_time="$DURATION" -rss_limit_mb=2048 -max_len=16384 \
        -artifact_prefix="artifacts/$t/" -print_final_stats=1 2>&1 \
        | grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+== ERROR|SUMMARY|Done )' || true
    # Keep the inputs that add coverage, minimised.
    mkdir -p "target/merged/$t"
    "$BIN/$t" -merge=1 "target/merged/$t" "corpus/$t" "target/new-corpus/$t" >/dev/null 2>&1
    rm -rf "corpus/$t" && mv "target/merged/$t" "corpus/$t" && rm -rf "target/new-corpus/$t"
    echo "   corpus now $(ls "corpus/$t" | wc -l) files; crashes: $(ls "artifacts/$t" | wc -l)"
done
