#!/usr/bin/env bash
# Sign-in latency while a large import writes: the portal serves a demo province while an
# editor uploads POINTS generated points (400000 by default) through the upload page and imports
# them (the portal writes them); meanwhile one official after another signs in (GET /login for
# the form, POST /login), and the POST's time is recorded. Prints the import's time, the number
# of sign-ins that overlapped it, and their p50, p99 and slowest, then the same figures with no
# import running.
#
#   bench/login-during-import.sh          the import through the portal
#   VIA=cli bench/login-during-import.sh  `bando import` in its own process on the same database
set -euo pipefail

cd "$(dirname "$0")/.."
POINTS="${POINTS:-400000}"
PORT=18096
TMP="$(mktemp -d "${TMPDIR:-/tmp}/bando-bench-login.XXXXXX")"
BANDO_PID=""

source bench/lib.sh
trap 'stop_all "$BANDO_PID"; rm -rf "$TMP"' EXIT
need_tools curl python3

echo "building bando (release)" >&2
swift build -c release --product bando >&2
points_geojson "$POINTS" "$TMP/points.geojson"
.build/release/bando seed-demo --db "$TMP/bando.sqlite" --password bench-password-1 >/dev/null
.build/release/bando serve --db "$TMP/bando.sqlite" --host 127.0.0.1 --port "$PORT" --data-dir "$TMP/data" \
    --max-upload-mb 1000 >"$TMP/serve.log" 2>&1 &
BANDO_PID=$!
wait_for "http://127.0.0.1:$PORT/healthz"

# sign_in_time USER: seconds the POST /login of USER took (its form fetched first).
sign_in_time() {
    local jar="$TMP/jar.$RANDOM" token
    token=$(curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$PORT/login" | csrf_of)
    curl -s -o /dev/null -w '%{time_total}\n' -c "$jar" -b "$jar" --data-urlencode "csrf=$token" \
        --data-urlencode "username=$1" --data-urlencode "password=bench-password-1" "http://127.0.0.1:$PORT/login"
    rm -f "$jar"
}

report() {
    sort -n "$1" | awk -v label="$2" '{ v[NR] = $1 } END {
        if (NR == 0) { print label ": no sign-ins"; exit }
        p50 = v[int((NR + 1) * 0.5)]; i99 = int(NR * 0.99 + 0.5); if (i99 < 1) i99 = 1
        printf "%s: %d sign-ins, p50 %.0f ms, p99 %.0f ms, slowest %.0f ms\n", label, NR, p50 * 1000, v[i99] * 1000, v[NR] * 1000 }'
}

ACCOUNTS=(stnmt.viewer syt.editor sxd.admin syt.viewer stnmt.approver)
BASE="http://127.0.0.1:$PORT"
if [[ "${VIA:-portal}" == cli ]]; then
    START=$(date +%s.%N)
    .build/release/bando import --db "$TMP/bando.sqlite" --agency stnmt --user stnmt.editor --title "Nhiều điểm" \
        --json "$TMP/points.geojson" >"$TMP/import.json" &
    IMPORT_PID=$!
    running() { kill -0 "$IMPORT_PID" 2>/dev/null; }
else
    EDITOR_JAR="$TMP/editor.jar"
    token=$(curl -s -c "$EDITOR_JAR" -b "$EDITOR_JAR" "$BASE/login" | csrf_of)
    curl -s -o /dev/null -c "$EDITOR_JAR" -b "$EDITOR_JAR" --data-urlencode "csrf=$token" \
        --data-urlencode "username=stnmt.editor" --data-urlencode "password=bench-password-1" "$BASE/login"
    token=$(curl -s -b "$EDITOR_JAR" "$BASE/upload" | csrf_of)
    PREVIEW=$(curl -s -o /dev/null -w '%{redirect_url}' -b "$EDITOR_JAR" -F "csrf=$token" -F "title=Nhiều điểm" \
        -F "file=@$TMP/points.geojson;filename=nhieu-diem.geojson" "$BASE/upload")
    [[ "$PREVIEW" == */uploads/* ]] || { echo "the upload was not accepted: $PREVIEW" >&2; exit 1; }
    token=$(curl -s -b "$EDITOR_JAR" "$PREVIEW" | csrf_of)
    START=$(date +%s.%N)
    STATUS_URL=$(curl -s -o /dev/null -w '%{redirect_url}' -b "$EDITOR_JAR" --data-urlencode "csrf=$token" \
        --data-urlencode "title=Nhiều điểm" --data-urlencode "srid=4326" "$PREVIEW/import")
    [[ "$STATUS_URL" == */status* ]] || { echo "the import did not start: $STATUS_URL" >&2; exit 1; }
    running() { ! curl -s -b "$EDITOR_JAR" "${STATUS_URL%/status*}/status.json" | grep -q '"state":"\(done\|failed\)"'; }
fi
: >"$TMP/during.txt"
n=0
while running; do
    sign_in_time "${ACCOUNTS[$((n % ${#ACCOUNTS[@]}))]}" >>"$TMP/during.txt"
    n=$((n + 1))
done
[[ "${VIA:-portal}" == cli ]] && wait "$IMPORT_PID"
END=$(date +%s.%N)
awk -v a="$START" -v b="$END" 'BEGIN { printf "import of '"$POINTS"' points: %.1f s\n", b - a }'
report "$TMP/during.txt" "during the import"
: >"$TMP/idle.txt"
for n in $(seq 0 49); do sign_in_time "${ACCOUNTS[$((n % ${#ACCOUNTS[@]}))]}" >>"$TMP/idle.txt"; done
report "$TMP/idle.txt" "with no import"
