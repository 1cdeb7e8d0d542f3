#!/usr/bin/env bash
# Import speed and memory: `bando import` against `ogr2ogr -f SQLite -dsco SPATIALITE=YES` on the
# same file, wall time and peak RSS of each (/usr/bin/time -v).
#
#   bench/import.sh FILE            a GeoJSON, GeoPackage, zipped Shapefile, CSV or KML
#   bench/import.sh points:100000   a generated GeoJSON of that many points in the province
#   bench/import.sh synthetic       the 200k buildings of ../shared/bench/data/synthetic.sqlite,
#                                   as a GeoPackage (run ../shared/bench/datasets/build_all.sh first)
set -euo pipefail

cd "$(dirname "$0")/.."
SOURCE="${1:?say which file: FILE, points:N or synthetic}"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/bando-bench-import.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

source bench/lib.sh
need_tools gdal-bin time python3

case "$SOURCE" in
    points:*)
        COUNT="${SOURCE#points:}"
        FILE="$TMP/points.geojson"
        points_geojson "$COUNT" "$FILE"
        ;;
    synthetic)
        DB=../shared/bench/data/synthetic.sqlite
        [[ -f "$DB" ]] || { echo "no $DB: run ../shared/bench/datasets/build_all.sh first" >&2; exit 1; }
        FILE="$TMP/buildings.gpkg"
        ogr2ogr -f GPKG "$FILE" "$DB" buildings >&2
        ;;
    *)
        FILE="$SOURCE"
        ;;
esac
echo "file: $FILE ($(du -h "$FILE" | cut -f1))" >&2

echo "building bando (release)" >&2
swift build -c release --product bando >&2
.build/release/bando seed-demo --db "$TMP/bando.sqlite" --password bench-password-1 >/dev/null

# Runs a command under /usr/bin/time -v; prints "SECONDS PEAK_RSS_MB".
timed() {
    /usr/bin/time -v "$@" >"$TMP/out.txt" 2>"$TMP/time.txt" || { cat "$TMP/out.txt" "$TMP/time.txt" >&2; exit 1; }
    awk '/Elapsed \(wall clock\)/ { n = split($NF, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; secs = s }
         /Maximum resident set size/ { rss = $NF / 1024 }
         END { printf "%.2f %.0f\n", secs, rss }' "$TMP/time.txt"
}

read -r BANDO_S BANDO_MB < <(timed .build/release/bando import --db "$TMP/bando.sqlite" --agency stnmt \
    --user stnmt.editor --srid 4326 --title "Benchmark" --json "$FILE")
tail -1 "$TMP/out.txt" >&2
read -r OGR_S OGR_MB < <(timed ogr2ogr -f SQLite -dsco SPATIALITE=YES "$TMP/ogr.sqlite" "$FILE")

echo "bando import: ${BANDO_S} s, peak RSS ${BANDO_MB} MB"
echo "ogr2ogr:      ${OGR_S} s, peak RSS ${OGR_MB} MB"
awk -v a="$BANDO_S" -v b="$OGR_S" 'BEGIN { printf "ratio bando/ogr2ogr (time): %.2f\n", (b > 0 ? a / b : 0) }'
