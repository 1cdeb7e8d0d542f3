#!/usr/bin/env bash
# The portal under load while a large import writes: tiles, pages, identify and static files at
# 256 connections, with `bando import` of a 400k-point GeoJSON running on the same database.
#
#   bench/load.sh          SECS=60 the wrk duration, CONNECTIONS=256, POINTS=400000 the import
#
# Prints wrk's count, failed requests (non-2xx/3xx and socket errors; must be 0), p50/p99
# latency, the server's RSS before and after, and how long the import took meanwhile.
set -euo pipefail

cd "$(dirname "$0")/.."
SECS="${SECS:-60}"
CONNECTIONS="${CONNECTIONS:-256}"
POINTS="${POINTS:-400000}"
PORT=18094
TMP="$(mktemp -d "${TMPDIR:-/tmp}/bando-bench-load.XXXXXX")"
BANDO_PID=""
IMPORT_PID=""
source bench/lib.sh
trap 'stop_all "$IMPORT_PID" "$BANDO_PID"; rm -rf "$TMP"' EXIT
need_tools wrk curl python3
ulimit -n 65536 2>/dev/null || true

echo "building bando (release)" >&2
swift build -c release --product bando >&2
.build/release/bando seed-demo --db "$TMP/load.sqlite" --password bench-password-1 >/dev/null
python3 - "$POINTS" "$TMP/points.geojson" <<'PY'
import random, sys
count, path = int(sys.argv[1]), sys.argv[2]
random.seed(11)
with open(path, "w") as out:
    out.write('{"type":"FeatureCollection","features":[')
    for i in range(count):
        if i: out.write(",")
        out.write('{"type":"Feature","properties":{"stt":%d},"geometry":{"type":"Point","coordinates":[%.6f,%.6f]}}'
                  % (i, 105.95 + random.random(), 21.12 + random.random() * 0.45))
    out.write("]}")
PY
.build/release/bando serve --db "$TMP/load.sqlite" --port "$PORT" --data-dir "$TMP/data" >"$TMP/serve.log" 2>&1 &
BANDO_PID=$!
wait_for "http://127.0.0.1:$PORT/healthz"

cat >"$TMP/paths.txt" <<PATHS
/tiles/co-so-y-te/10/815/451.png
/tiles/truong-hoc/11/1630/902.png
/tiles/mang-luoi-giao-thong/12/3261/1805.png
/tiles/base/10/815/451.png
/
/map
/layers/co-so-y-te
/layers/co-so-y-te/identify?lon=106.4&lat=21.35&z=12
/static/bando.css
/healthz
PATHS
write_wrk_script "$TMP/paths.txt" "$TMP/load.lua"
cat >>"$TMP/load.lua" <<'LUA'
local failures = 0
response = function(status, headers, body) if status >= 400 then failures = failures + 1 end end
done = function(summary, latency, requests)
  io.write(string.format("status>=400: %d\n", failures))
end
LUA
# Warm every path once (tiles rendered and cached).
while read -r path; do curl -fsS -o /dev/null "http://127.0.0.1:$PORT$path"; done <"$TMP/paths.txt"
RSS_BEFORE=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$BANDO_PID/status")

START=$(date +%s.%N)
.build/release/bando import --db "$TMP/load.sqlite" --agency stnmt --user stnmt.editor --srid 4326 \
    --title "Tải nặng" "$TMP/points.geojson" >"$TMP/import.log" 2>&1 &
IMPORT_PID=$!
OUT="$(wrk -t2 -c"$CONNECTIONS" -d"${SECS}s" --latency -s "$TMP/load.lua" "http://127.0.0.1:$PORT")"
echo "$OUT" >&2
RSS_AFTER=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$BANDO_PID/status")
IMPORT_STATE="still running after the load"
if ! kill -0 "$IMPORT_PID" 2>/dev/null; then
    wait "$IMPORT_PID" && IMPORT_STATE="finished" || IMPORT_STATE="failed: $(tail -1 "$TMP/import.log")"
else
    wait "$IMPORT_PID" && IMPORT_STATE="$IMPORT_STATE, then finished" || IMPORT_STATE="failed"
fi
IMPORT_SECS=$(awk -v s="$START" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
IMPORT_PID=""

REQUESTS=$(awk '/requests in/ {print $1}' <<<"$OUT")
SOCKET=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$OUT")
NON2XX=$(awk '/Non-2xx or 3xx/ {print $NF}' <<<"$OUT")
FAILED=$(awk '/^status>=400:/ {print $2}' <<<"$OUT")
P50=$(awk '$1 == "50%" {print $2}' <<<"$OUT")
P99=$(awk '$1 == "99%" {print $2}' <<<"$OUT")
echo "requests: ${REQUESTS:-0} in ${SECS}s at $CONNECTIONS connections; failed: status>=400 ${FAILED:-0}, non-2xx/3xx ${NON2XX:-0}, socket errors ${SOCKET:-0}"
echo "latency: p50 ${P50:-?}, p99 ${P99:-?}"
echo "server RSS: ${RSS_BEFORE} MB before, ${RSS_AFTER} MB after"
echo "import of $POINTS points meanwhile: $IMPORT_STATE in ${IMPORT_SECS} s"
