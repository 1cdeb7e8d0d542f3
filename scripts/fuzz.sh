#!/usr/bin/env bash
# Fuzzes Bando's parsers with libFuzzer (shipped with the Swift toolchain).
#
#   scripts/fuzz.sh [SECONDS]   builds every target, then runs each for SECONDS (default 60),
#                               growing a work corpus under .build-fuzz/work/<target>/
#   scripts/fuzz.sh --smoke     builds every target and runs each once over its seed corpus
#                               (what scripts/test.sh does)
#
# Targets: fuzz/<Name>Fuzz.swift compiled into the module it fuzzes, with its seeds in
# fuzz/corpus/<name>/. A crash leaves its input in .build-fuzz/ (crash-*): add it to the seeds
# and turn it into a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE="${1:-60}"
OUT=.build-fuzz
mkdir -p "$OUT"

build() {   # name, module, sources…
    local name="$1" module="$2"; shift 2
    swiftc -sanitize=fuzzer,address -parse-as-library -module-name "$module" -I Sources/CZlibShim \
        "$@" -o "$OUT/$name" -lz 2> >(grep -v "Cannot export local symbol" >&2)
}

build http HTTP Sources/HTTP/*.swift fuzz/HTTPFuzz.swift

for target in http; do
    seeds="fuzz/corpus/$target"
    if [[ "$MODE" == "--smoke" ]]; then
        "$OUT/$target" -runs=0 "$seeds" 2>&1 | tail -1
    else
        work="$OUT/work/$target"
        mkdir -p "$work"
        (cd "$OUT" && "./$target" -max_total_time="$MODE" -max_len=4096 -print_final_stats=1 "work/$target" "../$seeds") 2>&1 \
            | grep -E "^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)|ERROR|crash" || true
        ls "$OUT"/crash-* 2>/dev/null && { echo "fuzz target $target crashed" >&2; exit 1; }
        echo "fuzz target $target: no crash in $MODE s"
    fi
done
