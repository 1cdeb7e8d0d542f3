#!/usr/bin/env bash
# Cached tiles over HTTP: bando against nginx serving the very same PNG bytes as files.
#
#   bench/tiles-http.sh            SECS=10 sets the wrk duration; TILES=300 the distinct tiles.
#
# Builds bando in release, seeds a throw-away demo province, serves it on 127.0.0.1:18092 and
# fetches TILES distinct tiles of its public layers once (rendered and cached). Each tile's
# bytes are also written under a folder as /tiles/<layer>/<z>/<x>/<y>.png, which nginx (one
# worker, Debian's binary, access log off) serves on 127.0.0.1:18093. wrk -t2 -c64 then cycles
# through the same URL list against each server in turn. Prints both figures and the ratio.
set -euo pipefail

cd "$(dirname "$0")/.."
SECS="${SECS:-10}"
TILES="${TILES:-300}"
BANDO_PORT=18092
NGINX_PORT=18093
TMP="$(mktemp -d "${TMPDIR:-/tmp}/bando-bench-tiles.XXXXXX")"
BANDO_PID=""
NGINX_PID=""

source bench/lib.sh
trap 'stop_all "$BANDO_PID" "$NGINX_PID"; rm -rf "$TMP"' EXIT
need_tools wrk nginx-light curl python3

echo "building bando (release)" >&2
swift build -c release --product bando >&2

.build/release/bando seed-demo --db "$TMP/bench.sqlite" --password bench-password-1 >&2
mkdir -p "$TMP/data"
.build/release/bando serve --db "$TMP/bench.sqlite" --host 127.0.0.1 --port "$BANDO_PORT" \
    --data-dir "$TMP/data" >"$TMP/bando.log" 2>&1 &
BANDO_PID=$!
wait_for "http://127.0.0.1:$BANDO_PORT/healthz"

# The tile list: every tile over the province's public layers from z 9 up, TILES of them.
python3 - "$TILES" >"$TMP/paths.txt" <<'PY'
import math, sys
want = int(sys.argv[1])
layers = ["co-so-y-te", "truong-hoc", "mang-luoi-giao-thong", "song-suoi"]
def tile(lon, lat, z):
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y
paths = []
for z in range(9, 16):
    x0, y0 = tile(105.9, 21.6, z)
    x1, y1 = tile(107.0, 21.1, z)
    for x in range(x0, x1 + 1):
        for y in range(y0, y1 + 1):
            for layer in layers:
                paths.append(f"/tiles/{layer}/{z}/{x}/{y}.png")
                if len(paths) >= want:
                    print("\n".join(paths))
                    sys.exit(0)
print("\n".join(paths))
PY
echo "warming $(wc -l <"$TMP/paths.txt") tiles" >&2
mkdir -p "$TMP/www"
while read -r path; do
    mkdir -p "$TMP/www$(dirname "$path")"
    curl -fsS -o "$TMP/www$path" "http://127.0.0.1:$BANDO_PORT$path"
done <"$TMP/paths.txt"

write_wrk_script "$TMP/paths.txt" "$TMP/tiles.lua"
read -r BANDO_RPS BANDO_LAT < <(measure "http://127.0.0.1:$BANDO_PORT" "$TMP/tiles.lua")
kill "$BANDO_PID"; wait "$BANDO_PID" 2>/dev/null || true; BANDO_PID=""

start_nginx "$TMP" "$NGINX_PORT" "location /tiles/ { root $TMP/www; }"
read -r NGINX_RPS NGINX_LAT < <(measure "http://127.0.0.1:$NGINX_PORT" "$TMP/tiles.lua")

echo "bando: $BANDO_RPS req/s (latency avg $BANDO_LAT, wrk -t2 -c64 -d${SECS}s, $(wc -l <"$TMP/paths.txt") cached tiles)"
echo "nginx: $NGINX_RPS req/s (latency avg $NGINX_LAT, same tiles as files)"
awk -v a="$BANDO_RPS" -v b="$NGINX_RPS" 'BEGIN { printf "ratio bando/nginx: %.2f\n", (b > 0 ? a / b : 0) }'
