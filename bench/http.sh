#!/usr/bin/env bash
# Serving benchmark: bando against nginx on the same static file of Public/, same wrk load.
#
#   bench/http.sh [FILE]      FILE in Public/, default bando.css; SECS=10 sets the wrk duration.
#
# Builds bando in release, seeds a throw-away database, serves it on 127.0.0.1:18090, runs
# `wrk -t2 -c64` against /static/FILE; then nginx (1 worker, Debian's binary, a generated config,
# root = Public/) on 127.0.0.1:18091 with the same wrk. Prints one line per server and the ratio.
set -euo pipefail

cd "$(dirname "$0")/.."
FILE="${1:-bando.css}"
SECS="${SECS:-10}"
BANDO_PORT=18090
NGINX_PORT=18091
PUBLIC="$(pwd)/Public"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/bando-bench-http.XXXXXX")"
BANDO_PID=""
NGINX_PID=""

source bench/lib.sh
trap 'stop_all "$BANDO_PID" "$NGINX_PID"; rm -rf "$TMP"' EXIT
need_tools wrk nginx-light curl

if [[ ! -f "$PUBLIC/$FILE" ]]; then
    echo "no file Public/$FILE to benchmark" >&2
    exit 1
fi

echo "building bando (release)" >&2
swift build -c release --product bando >&2

.build/release/bando seed-demo --db "$TMP/bench.sqlite" --password bench-password >&2
mkdir -p "$TMP/data"
.build/release/bando serve --db "$TMP/bench.sqlite" --host 127.0.0.1 --port "$BANDO_PORT" \
    --data-dir "$TMP/data" >"$TMP/bando.log" 2>&1 &
BANDO_PID=$!
wait_for "http://127.0.0.1:$BANDO_PORT/healthz"
wait_for "http://127.0.0.1:$BANDO_PORT/static/$FILE"
read -r BANDO_RPS BANDO_LAT < <(measure "http://127.0.0.1:$BANDO_PORT/static/$FILE")
kill "$BANDO_PID"
wait "$BANDO_PID" 2>/dev/null || true
BANDO_PID=""

start_nginx "$TMP" "$NGINX_PORT" "location /static/ { alias $PUBLIC/; }"
wait_for "http://127.0.0.1:$NGINX_PORT/static/$FILE"
read -r NGINX_RPS NGINX_LAT < <(measure "http://127.0.0.1:$NGINX_PORT/static/$FILE")
kill "$NGINX_PID"
wait "$NGINX_PID" 2>/dev/null || true
NGINX_PID=""

echo "bando: $BANDO_RPS req/s (latency avg $BANDO_LAT, wrk -t2 -c64 -d${SECS}s, /static/$FILE)"
echo "nginx: $NGINX_RPS req/s (latency avg $NGINX_LAT, wrk -t2 -c64 -d${SECS}s, /static/$FILE)"
awk -v a="$BANDO_RPS" -v b="$NGINX_RPS" 'BEGIN { printf "ratio bando/nginx: %.2f\n", (b > 0 ? a / b : 0) }'
