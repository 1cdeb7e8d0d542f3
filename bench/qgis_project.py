"""Writes the QGIS Server project bench/ogc.sh serves: the roads, rivers and health stations of
a SpatiaLite file, lines drawn as the other servers draw them (1.5 px, #3366cc), published for
WMS (EPSG:3857, EPSG:4326) and for OGC API - Features (the WFS layers of the project).

    /usr/bin/python3 bench/qgis_project.py PEER.sqlite OUT.qgs URL
"""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (QgsApplication, QgsDataSourceUri, QgsLineSymbol, QgsProject, QgsSingleSymbolRenderer,
                       QgsUnitTypes, QgsVectorLayer)

database, output, url = sys.argv[1:4]
app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
ids = []
for table, name in [("mang_luoi_giao_thong", "mang-luoi-giao-thong"), ("song_suoi", "song-suoi"),
                    ("co_so_y_te", "co-so-y-te")]:
    uri = QgsDataSourceUri()
    uri.setDatabase(database)
    uri.setDataSource("", table, "geometry")
    layer = QgsVectorLayer(uri.uri(), name, "spatialite")
    if not layer.isValid():
        sys.exit(f"{database}: table {table} did not open in QGIS")
    if layer.geometryType() == 1:   # lines
        symbol = QgsLineSymbol.createSimple({"color": "51,102,204", "width": "1.5"})
        symbol.setOutputUnit(QgsUnitTypes.RenderPixels)
        layer.setRenderer(QgsSingleSymbolRenderer(symbol))
    layer.setShortName(name)
    project.addMapLayer(layer)
    ids.append(layer.id())
project.writeEntry("WMSServiceCapabilities", "/", True)
project.writeEntry("WMSServiceTitle", "/", "bench")
project.writeEntry("WMSCrsList", "/", ["EPSG:3857", "EPSG:4326"])
project.writeEntry("WMSUrl", "/", url)
project.writeEntry("WMSUseLayerIDs", "/", False)
project.writeEntry("WFSLayers", "/", ids)
for layer_id in ids:
    project.writeEntry("WFSLayersPrecision", "/" + layer_id, 8)
project.writeEntry("WFSUrl", "/", url)
if not project.write(output):
    sys.exit(f"cannot write {output}")
sys.stdout.flush()
os._exit(0)   # QGIS 3.22's Python teardown can crash after the work is done
