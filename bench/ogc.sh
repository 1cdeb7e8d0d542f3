#!/usr/bin/env bash
# The OGC doors against peers from Debian on the same data, side by side in one run.
#
#   bench/ogc.sh            SECS=10 per measurement; CONNECTIONS=1 (one client, as the issue measured);
#                           KEEP=DIR keeps each server's first map there
#
# Builds bando in release, seeds a throw-away demo province and serves it on 127.0.0.1:18094.
# The published roads and rivers are exported (`bando export`) and loaded with ogr2ogr into one
# SpatiaLite file, which MapServer 8 (Debian's cgi-mapserver under lighttpd FastCGI, one process)
# serves as WMS on 127.0.0.1:18095. Both draw every line at 1.5 px, anti-aliased, 256 px PNG.
# wrk then cycles through the same 200 GetMap requests (EPSG:3857 boxes of the tiles z 9–14
# over the province, both layers in one image) against each. Prints requests/s of each and the ratio.
# OGC API – Features items (limit=100, the health stations) against pygeoapi 0.21 (PyPI, the last
# release for Debian 12's Python 3.11) under gunicorn, one sync worker, reading the same features
# from a SpatiaLite copy with its SQLiteGPKG provider; both answer GeoJSON, sizes printed. The
# pygeoapi environment is made once in ~/.cache/bando/pygeoapi-venv (PYGEOAPI_VENV). QGIS Server
# 3.22 (Debian's qgis-server, its FastCGI program under the same lighttpd, one process) serves a
# project bench/qgis_project.py writes over the same SpatiaLite file: WMS GetMap and OGC API –
# Features items (its /wfs3 door) measured the same way. Items are measured twice: the portal as
# it runs (pages of a version kept in memory, the bench's three pages answered from there) and a
# second bando on the same database with BANDO_ITEM_PAGES_MB=0, reading every page from SQL.
set -euo pipefail

cd "$(dirname "$0")/.."
SECS="${SECS:-10}"
export CONNECTIONS="${CONNECTIONS:-1}"
export THREADS="${THREADS:-$(( CONNECTIONS < 2 ? 1 : 2 ))}"
BANDO_PORT=18094
PEER_PORT=18095
FEATURES_PORT=18096
COLD_PORT=18097
TMP="$(mktemp -d "${TMPDIR:-/tmp}/bando-bench-ogc.XXXXXX")"
BANDO_PID=""
PEER_PID=""
FEATURES_PID=""
COLD_PID=""

source bench/lib.sh
trap 'stop_all "$BANDO_PID" "$PEER_PID" "$FEATURES_PID" "$COLD_PID"; rm -rf "$TMP"' EXIT
need_tools wrk curl python3 gdal-bin lighttpd sqlite3
if [[ ! -x /usr/lib/cgi-bin/mapserv ]]; then
    echo "installing cgi-mapserver" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends cgi-mapserver mapserver-bin >&2
fi
if [[ ! -x /usr/lib/cgi-bin/qgis_mapserv.fcgi ]] || ! /usr/bin/python3 -c "import qgis.core" 2>/dev/null; then
    echo "installing qgis-server and python3-qgis" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qgis-server python3-qgis >&2
fi

echo "building bando (release)" >&2
swift build -c release --product bando >&2
.build/release/bando seed-demo --db "$TMP/bench.sqlite" --password bench-password-1 >&2
# One rule per layer, every feature at every zoom, as the peer's mapfile draws them: the default
# line style (1.5 px, #3366cc) instead of the demo's styles, which leave minor roads out at low zooms.
sqlite3 "$TMP/bench.sqlite" "UPDATE layers SET style = NULL WHERE slug IN ('mang-luoi-giao-thong', 'song-suoi')"
mkdir -p "$TMP/data"
.build/release/bando serve --db "$TMP/bench.sqlite" --host 127.0.0.1 --port "$BANDO_PORT" \
    --data-dir "$TMP/data" >"$TMP/bando.log" 2>&1 &
BANDO_PID=$!
wait_for "http://127.0.0.1:$BANDO_PORT/healthz"
# The same portal keeping no pages of items in memory: every page read from SQL and written anew.
BANDO_ITEM_PAGES_MB=0 .build/release/bando serve --db "$TMP/bench.sqlite" --host 127.0.0.1 --port "$COLD_PORT" \
    --data-dir "$TMP/data-cold" >"$TMP/bando-cold.log" 2>&1 &
COLD_PID=$!
wait_for "http://127.0.0.1:$COLD_PORT/healthz"

# The same features for the peer: the published versions, as bando exports them.
for layer in mang-luoi-giao-thong song-suoi co-so-y-te; do
    .build/release/bando export --db "$TMP/bench.sqlite" --layer "$layer" -o "$TMP/$layer.geojson" >&2
    ogr2ogr -f SQLite -dsco SPATIALITE=YES -update -append -nln "${layer//-/_}" "$TMP/peer.sqlite" "$TMP/$layer.geojson" 2>/dev/null \
        || ogr2ogr -f SQLite -dsco SPATIALITE=YES -nln "${layer//-/_}" "$TMP/peer.sqlite" "$TMP/$layer.geojson"
done

cat >"$TMP/bench.map" <<MAPFILE
MAP
  NAME "bench"
  EXTENT 105.8 21.0 107.1 21.7
  SIZE 256 256
  PROJECTION "init=epsg:3857" END
  OUTPUTFORMAT
    NAME "png"
    DRIVER AGG/PNG
    MIMETYPE "image/png"
    IMAGEMODE RGBA
    EXTENSION "png"
    TRANSPARENT ON
  END
  WEB
    METADATA
      "wms_title" "bench"
      "wms_onlineresource" "http://127.0.0.1:$PEER_PORT/mapserv?map=BENCH&"
      "wms_srs" "EPSG:3857 EPSG:4326"
      "wms_enable_request" "*"
    END
  END
  LAYER
    NAME "mang-luoi-giao-thong"
    TYPE LINE
    STATUS ON
    CONNECTIONTYPE OGR
    CONNECTION "$TMP/peer.sqlite"
    DATA "mang_luoi_giao_thong"
    PROJECTION "init=epsg:4326" END
    METADATA "wms_title" "roads" END
    CLASS STYLE COLOR 51 102 204 WIDTH 1.5 END END
  END
  LAYER
    NAME "song-suoi"
    TYPE LINE
    STATUS ON
    CONNECTIONTYPE OGR
    CONNECTION "$TMP/peer.sqlite"
    DATA "song_suoi"
    PROJECTION "init=epsg:4326" END
    METADATA "wms_title" "rivers" END
    CLASS STYLE COLOR 51 102 204 WIDTH 1.5 END END
  END
END
MAPFILE
cat >"$TMP/mapserver.conf" <<CONF
CONFIG
  ENV
    PROJ_LIB "/usr/share/proj"
  END
  MAPS
    BENCH "$TMP/bench.map"
  END
END
CONF
QT_QPA_PLATFORM=offscreen /usr/bin/python3 bench/qgis_project.py "$TMP/peer.sqlite" "$TMP/bench.qgs" \
    "http://127.0.0.1:$PEER_PORT/qgis" 2>/dev/null
mkdir -p "$TMP/lighttpd"
chmod o+rx "$TMP"
cat >"$TMP/lighttpd.conf" <<CONF
server.document-root = "$TMP/lighttpd"
server.port = $PEER_PORT
server.bind = "127.0.0.1"
server.pid-file = "$TMP/lighttpd/pid"
server.errorlog = "$TMP/lighttpd/error.log"
server.modules = ("mod_fastcgi")
fastcgi.server = ("/mapserv" => ((
  "bin-path" => "/usr/lib/cgi-bin/mapserv",
  "socket" => "$TMP/lighttpd/mapserv.socket",
  "check-local" => "disable",
  "max-procs" => 1,
  "bin-environment" => ("MAPSERVER_CONFIG_FILE" => "$TMP/mapserver.conf")
)), "/qgis" => ((
  "bin-path" => "/usr/lib/cgi-bin/qgis_mapserv.fcgi",
  "socket" => "$TMP/lighttpd/qgis.socket",
  "check-local" => "disable",
  "max-procs" => 1,
  "bin-environment" => ("QGIS_PROJECT_FILE" => "$TMP/bench.qgs", "QT_QPA_PLATFORM" => "offscreen",
                        "QGIS_SERVER_LOG_LEVEL" => "2", "HOME" => "$TMP/lighttpd")
)))
CONF
lighttpd -D -f "$TMP/lighttpd.conf" >"$TMP/lighttpd/out.log" 2>&1 &
PEER_PID=$!
sleep 1

# 200 GetMap requests: the tiles z 9–14 over the province as EPSG:3857 boxes.
python3 - >"$TMP/boxes.txt" <<'PY'
import math
half = math.pi * 6378137
def tile(lon, lat, z):
    n = 2 ** z
    return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
out = []
for z in range(9, 15):
    x0, y0 = tile(105.9, 21.6, z)
    x1, y1 = tile(107.0, 21.1, z)
    cells = [(x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
    step = max(1, len(cells) // 34)
    for x, y in cells[::step][:34]:
        span = 2 * half / 2 ** z
        minx, maxy = -half + x * span, half - y * span
        out.append(f"{minx:.3f},{maxy - span:.3f},{minx + span:.3f},{maxy:.3f}")
print("\n".join(out[:200]))
PY
query="SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=mang-luoi-giao-thong,song-suoi&STYLES=&CRS=EPSG:3857&WIDTH=256&HEIGHT=256&FORMAT=image/png&TRANSPARENT=TRUE"
awk -v q="/ows?$query&BBOX=" '{print q $0}' "$TMP/boxes.txt" >"$TMP/bando-paths.txt"
awk -v q="/mapserv?map=BENCH&$query&BBOX=" '{print q $0}' "$TMP/boxes.txt" >"$TMP/peer-paths.txt"
awk -v q="/qgis?$query&BBOX=" '{print q $0}' "$TMP/boxes.txt" >"$TMP/qgis-paths.txt"
for side in bando peer qgis; do
    first="$(head -1 "$TMP/$side-paths.txt")"
    port=$BANDO_PORT; [[ $side != bando ]] && port=$PEER_PORT
    type="$(curl -s -o "$TMP/$side.png" -w '%{content_type}' "http://127.0.0.1:$port$first")"
    [[ "$type" == image/png* ]] || { echo "$side GetMap answered $type: $(head -c 400 "$TMP/$side.png")" >&2; exit 1; }
    write_wrk_script "$TMP/$side-paths.txt" "$TMP/$side.lua"
done
echo "first map: bando $(stat -c %s "$TMP/bando.png") B, MapServer $(stat -c %s "$TMP/peer.png") B, QGIS Server $(stat -c %s "$TMP/qgis.png") B" >&2
if [[ -n "${KEEP:-}" ]]; then
    cp "$TMP/bando.png" "$KEEP/ogc-bando.png"; cp "$TMP/peer.png" "$KEEP/ogc-mapserver.png"; cp "$TMP/qgis.png" "$KEEP/ogc-qgis.png"
fi

read -r bando_rps bando_lat < <(measure "http://127.0.0.1:$BANDO_PORT" "$TMP/bando.lua")
read -r peer_rps peer_lat < <(measure "http://127.0.0.1:$PEER_PORT" "$TMP/peer.lua")
read -r qgis_rps qgis_lat < <(measure "http://127.0.0.1:$PEER_PORT" "$TMP/qgis.lua")

# OGC API – Features: pages of 100 items of the health stations, cycling through the offsets,
# from bando and from pygeoapi on the same features.
venv="${PYGEOAPI_VENV:-$HOME/.cache/bando/pygeoapi-venv}"
want="pygeoapi==0.21.0 gunicorn==27.0.1"
if [[ ! -x "$venv/bin/gunicorn" || "$(cat "$venv/.bando-installed" 2>/dev/null)" != "$want" ]]; then
    echo "installing $want into $venv" >&2
    rm -rf "$venv"
    /usr/bin/python3 -m venv "$venv"
    # shellcheck disable=SC2086
    "$venv/bin/pip" install -q --disable-pip-version-check $want >&2
    echo "$want" >"$venv/.bando-installed"
fi
cat >"$TMP/pygeoapi.yml" <<YAML
server:
  bind: {host: 127.0.0.1, port: $FEATURES_PORT}
  url: http://127.0.0.1:$FEATURES_PORT
  mimetype: application/json; charset=UTF-8
  encoding: utf-8
  languages: [en-US]
  limits: {default_items: 100, max_items: 1000}
  map: {url: "http://127.0.0.1/{z}/{x}/{y}.png", attribution: none}
logging: {level: ERROR}
metadata:
  identification: {title: bench, description: bench, keywords: [bench], keywords_type: theme, terms_of_service: none, url: "http://127.0.0.1"}
  license: {name: CC-BY 4.0, url: "https://creativecommons.org/licenses/by/4.0/"}
  provider: {name: bench, url: "http://127.0.0.1"}
  contact: {name: bench, position: bench, address: x, city: x, stateorprovince: x, postalcode: x, country: VN, phone: x, fax: x,
            email: bench@example.org, url: "http://127.0.0.1", hours: x, instructions: x, role: pointOfContact}
resources:
  co-so-y-te:
    type: collection
    title: co-so-y-te
    description: health stations
    keywords: [health]
    extents:
      spatial: {bbox: [105.8, 21.0, 107.1, 21.7], crs: "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}
    providers:
      - {type: feature, name: SQLiteGPKG, data: "$TMP/peer.sqlite", id_field: ogc_fid, table: co_so_y_te}
YAML
export PYGEOAPI_CONFIG="$TMP/pygeoapi.yml" PYGEOAPI_OPENAPI="$TMP/pygeoapi-openapi.yml"
"$venv/bin/pygeoapi" openapi generate "$PYGEOAPI_CONFIG" --output-file "$PYGEOAPI_OPENAPI" >&2
"$venv/bin/gunicorn" -w 1 -b "127.0.0.1:$FEATURES_PORT" pygeoapi.flask_app:APP >"$TMP/pygeoapi.log" 2>&1 &
FEATURES_PID=$!
wait_for "http://127.0.0.1:$FEATURES_PORT/conformance"

for offset in 0 100 200; do echo "/ogc/collections/co-so-y-te/items?limit=100&offset=$offset"; done >"$TMP/items-paths.txt"
for offset in 0 100 200; do echo "/collections/co-so-y-te/items?limit=100&offset=$offset&f=json"; done >"$TMP/pygeoapi-paths.txt"
write_wrk_script "$TMP/items-paths.txt" "$TMP/items.lua"
for offset in 0 100 200; do echo "/qgis/wfs3/collections/co-so-y-te/items.json?limit=100&offset=$offset"; done >"$TMP/qgis-items-paths.txt"
write_wrk_script "$TMP/pygeoapi-paths.txt" "$TMP/pygeoapi.lua"
write_wrk_script "$TMP/qgis-items-paths.txt" "$TMP/qgis-items.lua"
items_bytes="$(curl -s "http://127.0.0.1:$BANDO_PORT$(head -1 "$TMP/items-paths.txt")" | wc -c)"
pygeoapi_bytes="$(curl -s "http://127.0.0.1:$FEATURES_PORT$(head -1 "$TMP/pygeoapi-paths.txt")" | wc -c)"
pygeoapi_count="$(curl -s "http://127.0.0.1:$FEATURES_PORT$(head -1 "$TMP/pygeoapi-paths.txt")" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["features"]))')"
[[ "$pygeoapi_count" == 100 ]] || { echo "pygeoapi answered $pygeoapi_count features, not 100" >&2; exit 1; }
qgis_items_bytes="$(curl -s "http://127.0.0.1:$PEER_PORT$(head -1 "$TMP/qgis-items-paths.txt")" | wc -c)"
qgis_count="$(curl -s "http://127.0.0.1:$PEER_PORT$(head -1 "$TMP/qgis-items-paths.txt")" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["features"]))')"
[[ "$qgis_count" == 100 ]] || { echo "QGIS Server answered $qgis_count features, not 100" >&2; exit 1; }
read -r items_rps items_lat < <(measure "http://127.0.0.1:$BANDO_PORT" "$TMP/items.lua")
read -r cold_rps cold_lat < <(measure "http://127.0.0.1:$COLD_PORT" "$TMP/items.lua")
read -r pygeoapi_rps pygeoapi_lat < <(measure "http://127.0.0.1:$FEATURES_PORT" "$TMP/pygeoapi.lua")
read -r qgis_items_rps qgis_items_lat < <(measure "http://127.0.0.1:$PEER_PORT" "$TMP/qgis-items.lua")

echo
printf '%-44s %12s %12s\n' "door (wrk -c$CONNECTIONS, ${SECS}s)" "req/s" "latency"
printf '%-44s %12s %12s\n' "WMS GetMap 256 px, bando" "$bando_rps" "$bando_lat"
printf '%-44s %12s %12s\n' "WMS GetMap 256 px, MapServer 8 (FastCGI)" "$peer_rps" "$peer_lat"
printf '%-44s %12s %12s\n' "WMS GetMap 256 px, QGIS Server 3.22 (FastCGI)" "$qgis_rps" "$qgis_lat"
printf '%-44s %12s\n' "bando / MapServer" "$(python3 -c "print(f'{$bando_rps / max($peer_rps, 1e-9):.1f}x')")"
printf '%-44s %12s\n' "bando / QGIS Server" "$(python3 -c "print(f'{$bando_rps / max($qgis_rps, 1e-9):.1f}x')")"
printf '%-44s %12s %12s\n' "OGC API items limit=100, bando ($items_bytes B)" "$items_rps" "$items_lat"
printf '%-44s %12s %12s\n' "  the same, bando keeping no pages" "$cold_rps" "$cold_lat"
printf '%-44s %12s %12s\n' "OGC API items limit=100, pygeoapi ($pygeoapi_bytes B)" "$pygeoapi_rps" "$pygeoapi_lat"
printf '%-44s %12s\n' "bando / pygeoapi (keeping no pages)" "$(python3 -c "print(f'{$items_rps / max($pygeoapi_rps, 1e-9):.1f}x ({$cold_rps / max($pygeoapi_rps, 1e-9):.1f}x)')")"
printf '%-44s %12s %12s\n' "OGC API items limit=100, QGIS Server ($qgis_items_bytes B)" "$qgis_items_rps" "$qgis_items_lat"
printf '%-44s %12s\n' "bando / QGIS Server (keeping no pages)" "$(python3 -c "print(f'{$items_rps / max($qgis_items_rps, 1e-9):.1f}x ({$cold_rps / max($qgis_items_rps, 1e-9):.1f}x)')")"
