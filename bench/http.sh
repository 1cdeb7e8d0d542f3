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

cleanup() {
    for pid in "$BANDO_PID" "$NGINX_PID"; do
        if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    rm -rf "$TMP"
}
trap cleanup EXIT

need_install=()
command -v wrk >/dev/null 2>&1 || need_install+=(wrk)
NGINX_BIN="$(command -v nginx || true)"
[[ -z "$NGINX_BIN" && -x /usr/sbin/nginx ]] && NGINX_BIN=/usr/sbin/nginx
[[ -z "$NGINX_BIN" ]] && need_install+=(nginx-light)
command -v curl >/dev/null 2>&1 || need_install+=(curl)
if ((${#need_install[@]})); then
    echo "installing ${need_install[*]}" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_install[@]}" >&2
    NGINX_BIN="$(command -v nginx || echo /usr/sbin/nginx)"
fi

if [[ ! -f "$PUBLIC/$FILE" ]]; then
    echo "no file Public/$FILE to benchmark" >&2
    exit 1
fi

# Waits until URL answers 200, up to about 20 s.
wait_for() {
    local url="$1"
    for _ in $(seq 1 200); do
        if curl -fsS -o /dev/null "$url" 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "no answer from $url" >&2
    return 1
}

# Runs wrk against URL and prints "REQ_PER_SEC LATENCY_AVG".
measure() {
    local url="$1" out
    out="$(wrk -t2 -c64 -d"${SECS}s" "$url")"
    echo "$out" >&2
    local rps latency
    rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
    latency="$(awk '$1 == "Latency" {print $2; exit}' <<<"$out")"
    echo "${rps:-0} ${latency:-?}"
}

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

mkdir -p "$TMP/nginx"
cat >"$TMP/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    types {
        text/html html; text/css css; application/javascript js; application/json json;
        image/png png; image/svg+xml svg; image/jpeg jpg; text/plain txt;
    }
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path $TMP/nginx/body;
    proxy_temp_path $TMP/nginx/proxy;
    fastcgi_temp_path $TMP/nginx/fastcgi;
    uwsgi_temp_path $TMP/nginx/uwsgi;
    scgi_temp_path $TMP/nginx/scgi;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location /static/ { alias $PUBLIC/; }
    }
}
CONF
"$NGINX_BIN" -c "$TMP/nginx.conf" -p "$TMP/nginx" 2>>"$TMP/nginx/error.log" &
NGINX_PID=$!
wait_for "http://127.0.0.1:$NGINX_PORT/static/$FILE"
read -r NGINX_RPS NGINX_LAT < <(measure "http://127.0.0.1:$NGINX_PORT/static/$FILE")
kill "$NGINX_PID"
wait "$NGINX_PID" 2>/dev/null || true
NGINX_PID=""

echo "bando: $BANDO_RPS req/s (latency avg $BANDO_LAT, wrk -t2 -c64 -d${SECS}s, /static/$FILE)"
echo "nginx: $NGINX_RPS req/s (latency avg $NGINX_LAT, wrk -t2 -c64 -d${SECS}s, /static/$FILE)"
awk -v a="$BANDO_RPS" -v b="$NGINX_RPS" 'BEGIN { printf "ratio bando/nginx: %.2f\n", (b > 0 ? a / b : 0) }'
