#!/usr/bin/env bash
# Headless QGIS (Debian's python3-qgis 3.22, about 1 GB, so not part of the test command) against
# a real `bando serve` on a throw-away demo province: with an access token sent as HTTP Basic (as
# a QGIS connection's Basic authentication sends it), it loads the environment department's
# private monitoring stations through OGC API – Features and counts them against the database,
# loads the open health stations and the private layer through WMS 1.3.0, and renders both into
# one image whose drawn pixels it counts. Exits non-zero on any difference.
#
#   scripts/qgis-check.sh            (installs python3-qgis with apt when missing; KEEP=DIR keeps the image)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! /usr/bin/python3 -c "import qgis.core" 2>/dev/null; then
    echo "installing python3-qgis" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-qgis >&2
fi
swift build --product bando >&2
TMP="$(mktemp -d "${TMPDIR:-/tmp}/bando-qgis.XXXXXX")"
PID=""
trap '[[ -n "$PID" ]] && kill "$PID" 2>/dev/null; rm -rf "$TMP"' EXIT
.build/debug/bando seed-demo --db "$TMP/demo.sqlite" --password qgis-check-password-1 >/dev/null
.build/debug/bando serve --db "$TMP/demo.sqlite" --host 127.0.0.1 --port 0 --data-dir "$TMP/data" >"$TMP/serve.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do grep -q "Bando: http" "$TMP/serve.log" && break; sleep 0.1; done
BASE="$(grep -o 'http://[0-9.]*:[0-9]*' "$TMP/serve.log" | head -1)"
TOKEN="$(.build/debug/bando token create --db "$TMP/demo.sqlite" --user stnmt.viewer --scopes read --expires-days 1 --name "QGIS")"
EXPECTED="$(sqlite3 "$TMP/demo.sqlite" "SELECT count(*) FROM features f JOIN layers l ON f.version_id = l.published_version_id WHERE l.slug = 'diem-quan-trac-moi-truong'")"
export QT_QPA_PLATFORM=offscreen BASE TOKEN EXPECTED OUT="${KEEP:-$TMP}/qgis-render.png"
/usr/bin/python3 - <<'PY'
import os, sys
from qgis.core import (QgsApplication, QgsVectorLayer, QgsRasterLayer, QgsMapSettings, QgsMapRendererParallelJob,
                       QgsCoordinateReferenceSystem, QgsRectangle)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

base, token, expected = os.environ["BASE"], os.environ["TOKEN"], int(os.environ["EXPECTED"])
app = QgsApplication([], False)
app.initQgis()
failures = []

oapif = QgsVectorLayer(f"url='{base}/ogc' typename='diem-quan-trac-moi-truong' username='stnmt.viewer' password='{token}'",
                       "stations", "OAPIF")
if not oapif.isValid():
    failures.append(f"OAPIF layer not valid: {oapif.error().summary()}")
else:
    codes = [f["ma_diem"] for f in oapif.getFeatures()]
    print(f"OAPIF: {len(codes)} features (database: {expected}), {len(set(codes))} station codes")
    if len(codes) != expected or len(set(codes)) != expected:
        failures.append(f"OAPIF gave {len(codes)} features with {len(set(codes))} codes, the database holds {expected}")
anonymous = QgsVectorLayer(f"url='{base}/ogc' typename='diem-quan-trac-moi-truong'", "hidden", "OAPIF")
if anonymous.isValid() and sum(1 for _ in anonymous.getFeatures()) > 0:
    failures.append("without the token the private layer still gave features")

def wms(layer):
    uri = (f"crs=EPSG:3857&format=image/png&layers={layer}&styles=&url={base}/ows"
           f"&username=stnmt.viewer&password={token}")
    return QgsRasterLayer(uri, layer, "wms")
layers = [wms("diem-quan-trac-moi-truong"), wms("co-so-y-te")]
for layer in layers:
    if not layer.isValid():
        failures.append(f"WMS layer {layer.name()} not valid: {layer.error().summary()}")
if all(layer.isValid() for layer in layers):
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
    settings.setExtent(QgsRectangle(11787000, 2402000, 11912000, 2484000))
    settings.setOutputSize(QSize(640, 420))
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    image.save(os.environ["OUT"])
    drawn = sum(1 for x in range(0, image.width(), 2) for y in range(0, image.height(), 2) if image.pixel(x, y) & 0xFFFFFF != 0xFFFFFF)
    print(f"WMS: rendered {image.width()}x{image.height()}, {drawn} of {image.width() * image.height() // 4} sampled pixels drawn")
    if drawn == 0:
        failures.append("the WMS render drew nothing")
if failures:
    print("\n".join("FAIL: " + f for f in failures), file=sys.stderr)
else:
    print("QGIS: all checks passed")
sys.stdout.flush(); sys.stderr.flush()
# QGIS 3.22's Python teardown can crash after the work is done; the verdict is the exit code.
os._exit(1 if failures else 0)
PY
