#!/usr/bin/python3
"""Checks a WMS 1.3.0 server with OWSLib, a client no one here wrote.

Usage: wms_owslib.py URL LAYER LON LAT OUT.png [LAYER ...]

Reads the capabilities and checks that they list exactly the LAYERs given after OUT.png (the
first LAYER among them), each with a geographic box and the systems CRS:84, EPSG:4326 and
EPSG:3857; asks GetMap in EPSG:4326 for a box of 0.2 degrees around (LON, LAT), 100 x 100 pixels,
transparent, written to OUT.png; asks GetFeatureInfo (JSON) at the centre pixel. Prints one JSON
object with what it found; exits non-zero, saying why, when a check fails.
"""
import json
import sys

from owslib.wms import WebMapService


def main():
    url, layer, lon, lat, out = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
    expected = set(sys.argv[6:])
    wms = WebMapService(url, version="1.3.0")
    names = set(wms.contents)
    if names != expected:
        sys.exit(f"capabilities list {sorted(names)}, expected {sorted(expected)}")
    for name, entry in wms.contents.items():
        if not entry.boundingBoxWGS84:
            sys.exit(f"{name} has no geographic box")
        missing = {"CRS:84", "EPSG:4326", "EPSG:3857"} - set(entry.crsOptions)
        if missing:
            sys.exit(f"{name} lacks {sorted(missing)}")
        if "default" not in entry.styles or "legend" not in entry.styles["default"]:
            sys.exit(f"{name} has no default style with a legend")
    box = (lon - 0.1, lat - 0.1, lon + 0.1, lat + 0.1)  # OWSLib takes lon/lat and orders it for EPSG:4326
    image = wms.getmap(layers=[layer], styles=[""], srs="EPSG:4326", bbox=box, size=(100, 100),
                       format="image/png", transparent=True)
    data = image.read()
    if not data.startswith(b"\x89PNG"):
        sys.exit(f"GetMap answered {data[:200]!r}")
    with open(out, "wb") as f:
        f.write(data)
    info = wms.getfeatureinfo(layers=[layer], query_layers=[layer], styles=[""], srs="EPSG:4326", bbox=box,
                              size=(100, 100), format="image/png", info_format="application/json", xy=(50, 50),
                              feature_count=5)
    features = json.loads(info.read())["features"]
    print(json.dumps({"title": wms.identification.title, "layers": sorted(names),
                      "info": [f["properties"] for f in features]}, ensure_ascii=False))


if __name__ == "__main__":
    main()
