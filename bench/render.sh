#!/usr/bin/env bash
# Tile-rendering benchmark: bando's renderer against Mapnik and MapServer, same data, same
# tile lists, same style, one run (see shared bench/README.md).
# Usage, from the repository root:  bench/render.sh
# Env: DATASETS="nyc synthetic" (default: all), SKIP_NGINX (default 1), IDLE_WAIT, WRK_SECS
#        (passed to run_all.sh);
#      BENCH=path of the shared bench folder (relative paths are taken from the repository root;
#        default: shared/bench beside the repository's parent folder);
#      BANDO_CMD="path/to/bando bench-render" to use an existing binary instead of building.
# Builds `bando` in release, runs run_all.sh with it, then prints per dataset the tiles/s of
# Mapnik, MapServer and bando, and bando/Mapnik.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BENCH=${BENCH:-"$(cd "$(dirname "$0")/../.." && pwd)/shared/bench"}
case "$BENCH" in /*) ;; *) BENCH="$ROOT/$BENCH" ;; esac
[ -x "$BENCH/run_all.sh" ] || { echo "render.sh: no run_all.sh in $BENCH (set BENCH)" >&2; exit 1; }

if [ -z "${BANDO_CMD:-}" ]; then
  swift build -c release --product bando
  BANDO_CMD="$ROOT/.build/release/bando bench-render"
fi

LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
SKIP_NGINX=${SKIP_NGINX-1} "$BENCH/run_all.sh" "bando:$BANDO_CMD" | tee "$LOG"

echo
awk '
  # Lines look like: "<dataset> <renderer>: N tiles, median X ms, p95 Y ms, Z tiles/s, ..."
  $2 ~ /^(mapnik|mapserver|bando):$/ && / tiles\/s/ {
    ds = $1; r = substr($2, 1, length($2) - 1)
    for (i = 3; i <= NF; i++) if ($i == "tiles/s,") tps[ds, r] = $(i - 1)
    if (!(ds in seen)) { seen[ds] = 1; order[++n] = ds }
  }
  END {
    printf "%-14s %12s %12s %12s %14s\n", "dataset", "mapnik t/s", "mapserver t/s", "bando t/s", "bando/mapnik"
    for (k = 1; k <= n; k++) {
      ds = order[k]; m = tps[ds, "mapnik"]; s = tps[ds, "mapserver"]; b = tps[ds, "bando"]
      ratio = (m > 0 && b != "") ? sprintf("%.2fx", b / m) : "-"
      printf "%-14s %12s %12s %12s %14s\n", ds, (m == "" ? "-" : m), (s == "" ? "-" : s), (b == "" ? "-" : b), ratio
    }
  }' "$LOG"
