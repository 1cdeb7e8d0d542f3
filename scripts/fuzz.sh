#!/usr/bin/env bash
# Fuzzes Bando's parsers with libFuzzer (shipped with the Swift toolchain).
#
#   scripts/fuzz.sh [SECONDS]   builds every target, then runs each for SECONDS (default 60),
#                               growing a work corpus under .build-fuzz/work/<target>/
#   scripts/fuzz.sh --smoke     builds every target and runs each once over its seed corpus
#                               (what scripts/test.sh does)
#   RUNS=N                      stops each target after N executions (with SECONDS as a bound)
#   TARGETS="formats png"       runs only those targets (all are still built)
#   FUZZ_OUT=.build-fuzz-2      builds and works in another folder (.build-fuzz by default)
#
# Targets: fuzz/<Name>Fuzz.swift compiled into the module it fuzzes, with its seeds in
# fuzz/corpus/<name>/: http (request framing, multipart, cookies, forms), formats (GeoJSON, CSV,
# KML, DBF, Shapefile, .prj), style (style JSON), png (the tests' PNG decoder). A crash leaves its input in .build-fuzz/ (crash-*): add it to the seeds
# and turn it into a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE="${1:-60}"
OUT="${FUZZ_OUT:-.build-fuzz}"      # another folder lets a second run go on beside a first
mkdir -p "$OUT"

FLAGS=(-sanitize=fuzzer,address -parse-as-library -I Sources/CZlibShim -I "$OUT/modules")
mkdir -p "$OUT/modules"

library() {   # module, sources…: a module the targets import, built with the same instrumentation
    local module="$1"; shift
    swiftc "${FLAGS[@]}" -module-name "$module" -emit-module -emit-module-path "$OUT/modules/$module.swiftmodule" \
        -emit-library -static -o "$OUT/modules/lib$module.a" "$@" 2> >(grep -v "Cannot export local symbol" >&2)
}

build() {   # name, module, sources… (the fuzz entry among them), then -l libraries
    local name="$1" module="$2"; shift 2
    swiftc "${FLAGS[@]}" -module-name "$module" -L "$OUT/modules" "$@" -o "$OUT/$name" -lz \
        2> >(grep -v "Cannot export local symbol" >&2)
}

library Geometry Sources/Geometry/*.swift
library Raster Sources/Raster/*.swift
build http HTTP Sources/HTTP/*.swift fuzz/HTTPFuzz.swift
# The importers without the GeoPackage and zip readers (SQLite's and ZIPFoundation's parsing),
# and without the download writers (Export/: they parse nothing from outside).
build formats Formats $(ls Sources/Formats/*.swift Sources/Formats/*/*.swift \
    | grep -v -e GeoPackageReader -e ZipArchiveReader -e DatasetReader -e ShapefileSource -e /Export/) fuzz/FormatsFuzz.swift -lGeometry
build style Cartography Sources/Cartography/*.swift fuzz/StyleFuzz.swift -lGeometry -lRaster
build png PNGTestSupport Tests/PNGTestSupport/*.swift fuzz/PNGFuzz.swift

export LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
for target in ${TARGETS:-http formats style png}; do
    seeds="fuzz/corpus/$target"
    if [[ "$MODE" == "--smoke" ]]; then
        "$OUT/$target" -runs=0 "$seeds" 2>&1 | tail -1
    else
        work="$OUT/work/$target"
        mkdir -p "$work"
        # The importers go through Foundation, whose caches keep allocations across inputs: a leak
        # check after each new input scans the whole heap (a hundred runs a second), so that
        # target runs without it; AddressSanitizer still stops it at any memory error.
        extra=()
        [[ "$target" == formats ]] && extra=(-detect_leaks=0)
        (cd "$OUT" && "./$target" -max_total_time="$MODE" ${RUNS:+-runs=$RUNS} -max_len=4096 -print_final_stats=1 \
            "${extra[@]}" "work/$target" "../$seeds") 2>&1 \
            | grep -E "^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)|ERROR|crash" || true
        found=$(find "$OUT" -maxdepth 1 \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) -print)
        if [[ -n "$found" ]]; then
            echo "fuzz target $target found a failure; its input: $found" >&2
            exit 1
        fi
        echo "fuzz target $target: no crash in $MODE s"
    fi
done
