#!/usr/bin/python3
"""Checks a WMTS 1.0.0 server with OWSLib.

Usage: wmts_owslib.py CAPABILITIES_URL LAYER Z ROW COL OUT.png

Reads the capabilities, checks LAYER is offered in GoogleMapsCompatible with a tile resource
URL, fetches tile (Z, ROW, COL) by KVP GetTile into OUT.png. Prints one JSON object with the
layers offered and the resource URL template; exits non-zero, saying why, when a check fails.
"""
import json
import sys

from owslib.wmts import WebMapTileService


def main():
    url, layer, z, row, col, out = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
    wmts = WebMapTileService(url)
    if layer not in wmts.contents:
        sys.exit(f"{layer} not offered: {sorted(wmts.contents)}")
    entry = wmts.contents[layer]
    if "GoogleMapsCompatible" not in entry.tilematrixsetlinks:
        sys.exit(f"{layer} is not in GoogleMapsCompatible: {list(entry.tilematrixsetlinks)}")
    matrices = wmts.tilematrixsets["GoogleMapsCompatible"].tilematrix
    if str(z) not in matrices or matrices[str(z)].matrixwidth != 2 ** int(z):
        sys.exit(f"tile matrix {z} missing or wrong")
    tile = wmts.gettile(layer=layer, tilematrixset="GoogleMapsCompatible", tilematrix=z, row=row, column=col,
                        format="image/png")
    data = tile.read()
    if not data.startswith(b"\x89PNG"):
        sys.exit(f"GetTile answered {data[:200]!r}")
    with open(out, "wb") as f:
        f.write(data)
    templates = [r["template"] for r in entry.resourceURLs if r.get("resourceType") == "tile"]
    print(json.dumps({"layers": sorted(wmts.contents), "templates": templates}))


if __name__ == "__main__":
    main()
