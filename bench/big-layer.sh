#!/usr/bin/env bash
# A big layer: import time and peak RSS, then the server's memory and the cold tile time per zoom.
#
#   bench/big-layer.sh          POINTS=1000000 sets the layer's size (generated points over the
#                               demo province); ZOOMS="6 8 10 12 14 16" the zooms measured.
#
# Builds bando in release, seeds a throw-away demo province, imports the layer as an editor of
# stnmt, serves it, publishes it as the agency's approver (through the version page, as a person
# would), then asks, as an official of the agency, for three tiles per zoom that nobody has asked
# for before (cold: read, drawn, encoded, stored), timing each with curl; for a layer over the
# in-memory limit (300k features) it first waits for the overview that publishing starts. Prints
# one line per zoom and the server's resident memory before and after.
set -euo pipefail

cd "$(dirname "$0")/.."
POINTS="${POINTS:-1000000}"
ZOOMS="${ZOOMS:-6 8 10 12 14 16}"
PORT=18094
TMP="$(mktemp -d "${TMPDIR:-/tmp}/bando-bench-big.XXXXXX")"
BANDO_PID=""

source bench/lib.sh
trap 'stop_all "$BANDO_PID"; rm -rf "$TMP"' EXIT
need_tools time curl python3

echo "building bando (release)" >&2
swift build -c release --product bando >&2
points_geojson "$POINTS" "$TMP/points.geojson"
echo "layer: $POINTS points, $(du -h "$TMP/points.geojson" | cut -f1)" >&2
.build/release/bando seed-demo --db "$TMP/big.sqlite" --password bench-password-1 >/dev/null

/usr/bin/time -v .build/release/bando import --db "$TMP/big.sqlite" --agency stnmt --user stnmt.editor \
    --title "Lớp lớn $POINTS điểm" --json "$TMP/points.geojson" >"$TMP/import.json" 2>"$TMP/import.time"
SLUG=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["layer"])' "$TMP/import.json")
awk '/Elapsed \(wall clock\)/ { n = split($NF, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "import: %.1f s", s }
     /Maximum resident set size/ { printf ", peak RSS %.0f MB\n", $NF / 1024 }' "$TMP/import.time"

.build/release/bando serve --db "$TMP/big.sqlite" --host 127.0.0.1 --port "$PORT" --data-dir "$TMP/data" \
    >"$TMP/serve.log" 2>&1 &
BANDO_PID=$!
wait_for "http://127.0.0.1:$PORT/healthz"
rss() { awk '/VmRSS/ { printf "%.0f MB", $2 / 1024 }' "/proc/$BANDO_PID/status"; }
echo "server RSS after start: $(rss)"

# sign_in USER JAR: a session in the cookie jar JAR.
sign_in() {
    local token
    token=$(curl -s -c "$2" -b "$2" "http://127.0.0.1:$PORT/login" | csrf_of)
    curl -s -o /dev/null -c "$2" -b "$2" --data-urlencode "csrf=$token" --data-urlencode "username=$1" \
        --data-urlencode "password=bench-password-1" "http://127.0.0.1:$PORT/login"
}
sign_in stnmt.approver "$TMP/approver.jar"
TOKEN=$(curl -s -b "$TMP/approver.jar" "http://127.0.0.1:$PORT/layers/$SLUG/versions/1" \
    | csrf_of)
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -b "$TMP/approver.jar" --data-urlencode "csrf=$TOKEN" \
    "http://127.0.0.1:$PORT/layers/$SLUG/versions/1/publish")
[[ "$STATUS" == 303 ]] || { echo "publishing answered $STATUS" >&2; exit 1; }
sign_in stnmt.viewer "$TMP/viewer.jar"

# Publishing starts the layer's overview (its thinned copies for low zooms) in the background;
# /metrics counts the ones built. Tiles asked for before it is ready are read from SQL.
if (( POINTS > 300000 )); then
    started=$(date +%s.%N)
    until curl -s "http://127.0.0.1:$PORT/metrics" | grep -q '^bando_map_builds{kind="overview"} [1-9]'; do
        sleep 0.2
    done
    awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "overview built %.1f s after publishing", b - a }'
    echo ", server RSS $(rss)"
fi

python3 - "$ZOOMS" >"$TMP/tiles.txt" <<'PY'
import math, sys
for z in map(int, sys.argv[1].split()):
    n = 2 ** z
    x = int((106.45 + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(21.35))) / math.pi) / 2 * n)
    print(z, " ".join(f"{z}/{x + dx}/{y}" for dx in (0, 1, -1)))
PY
while read -r z tiles; do
    times=()
    for tile in $tiles; do
        t=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -b "$TMP/viewer.jar" "http://127.0.0.1:$PORT/tiles/$SLUG/$tile.png")
        [[ "${t%% *}" == 200 ]] || { echo "tile $tile answered ${t%% *}" >&2; exit 1; }
        times+=("$(awk -v s="${t#* }" 'BEGIN { printf "%.0f", s * 1000 }')")
    done
    echo "cold tile z$z: ${times[*]} ms"
done <"$TMP/tiles.txt"
echo "server RSS after the tiles: $(rss)"
