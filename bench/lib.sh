# Shared by the bench/ scripts: tools, waiting for a server, wrk, nginx. Sourced, not run.

# Installs the Debian packages whose commands are missing (command name = package name, except nginx).
need_tools() {
    local missing=()
    for tool in "$@"; do
        case "$tool" in
            nginx-light) [[ -x "$(command -v nginx || echo /usr/sbin/nginx)" ]] || missing+=(nginx-light) ;;
            gdal-bin) command -v ogr2ogr >/dev/null 2>&1 || missing+=(gdal-bin) ;;
            time) [[ -x /usr/bin/time ]] || missing+=(time) ;;
            *) command -v "$tool" >/dev/null 2>&1 || missing+=("$tool") ;;
        esac
    done
    if ((${#missing[@]})); then
        echo "installing ${missing[*]}" >&2
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
    fi
    NGINX_BIN="$(command -v nginx || echo /usr/sbin/nginx)"
}

# Stops the processes whose ids are given (empty ones skipped) and waits for them.
stop_all() {
    for pid in "$@"; do
        if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
}

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

# A wrk script that cycles through the paths of FILE (one per line).
write_wrk_script() {
    local paths="$1" out="$2"
    {
        echo "local paths = {"
        sed 's/.*/  "&",/' "$paths"
        echo "}"
        echo 'local i = 0'
        echo 'request = function() i = i % #paths + 1; return wrk.format("GET", paths[i]) end'
    } >"$out"
}

# Runs wrk -t${THREADS:-2} -c${CONNECTIONS:-64} against BASE (with an optional script) and prints "REQ_PER_SEC LATENCY_AVG".
measure() {
    local base="$1" script="${2:-}" out
    if [[ -n "$script" ]]; then
        out="$(wrk -t"${THREADS:-2}" -c"${CONNECTIONS:-64}" -d"${SECS:-10}s" -s "$script" "$base")"
    else
        out="$(wrk -t"${THREADS:-2}" -c"${CONNECTIONS:-64}" -d"${SECS:-10}s" "$base")"
    fi
    echo "$out" >&2
    local rps latency
    rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
    latency="$(awk '$1 == "Latency" {print $2; exit}' <<<"$out")"
    echo "${rps:-0} ${latency:-?}"
}

# Starts nginx (one worker, access log off) on 127.0.0.1:PORT with LOCATION inside its server;
# sets NGINX_PID. Its files live under DIR/nginx.
start_nginx() {
    local dir="$1" port="$2" location="$3"
    mkdir -p "$dir/nginx"
    chmod o+rx "$dir"   # nginx's workers run as nobody; mktemp's folder is the owner's alone
    cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    types { image/png png; text/css css; application/javascript js; text/html html; }
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path $dir/nginx/body;
    proxy_temp_path $dir/nginx/proxy;
    fastcgi_temp_path $dir/nginx/fastcgi;
    uwsgi_temp_path $dir/nginx/uwsgi;
    scgi_temp_path $dir/nginx/scgi;
    server {
        listen 127.0.0.1:$port;
        $location
    }
}
CONF
    "$NGINX_BIN" -c "$dir/nginx.conf" -p "$dir/nginx" 2>>"$dir/nginx/error.log" &
    NGINX_PID=$!
    sleep 0.3
}

# csrf_of: the CSRF token of the first form in the page on standard input.
csrf_of() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1; }

# points_geojson COUNT FILE: a GeoJSON of COUNT points spread over the demo province, with a few
# Vietnamese attributes, written as a stream (memory does not grow with COUNT).
points_geojson() {
    python3 - "$1" "$2" <<'PY'
import json, random, sys
count, path = int(sys.argv[1]), sys.argv[2]
random.seed(7)
with open(path, "w", encoding="utf-8") as out:
    out.write('{"type":"FeatureCollection","features":[')
    for i in range(count):
        if i: out.write(",")
        lon, lat = 105.95 + random.random() * 1.0, 21.12 + random.random() * 0.45
        props = {"stt": i, "ten": f"Điểm số {i}", "loai": random.choice(["trạm", "trường", "chợ"]), "gia_tri": round(random.random() * 1000, 2)}
        out.write(json.dumps({"type": "Feature", "properties": props,
                              "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}}, ensure_ascii=False))
    out.write("]}")
PY
}
