#!/usr/bin/python3
"""Pages through an OGC API - Features collection with OWSLib.

Usage: oapif_owslib.py URL COLLECTION PAGE_SIZE

Reads the landing page, conformance and collections, then every page of COLLECTION's items by
offset. Prints one JSON object: the collection ids, numberMatched, and each feature's id and
properties in the order read. Exits non-zero, saying why, when a check fails.
"""
import json
import sys

from owslib.ogcapi.features import Features


def main():
    url, collection, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    api = Features(url)
    conformance = api.conformance()["conformsTo"]
    if "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" not in conformance:
        sys.exit(f"core not in conformance: {conformance}")
    ids = [c["id"] for c in api.collections()["collections"]]
    features, offset, matched = [], 0, None
    while True:
        page = api.collection_items(collection, limit=size, offset=offset)
        matched = page["numberMatched"]
        if page["numberReturned"] != len(page["features"]):
            sys.exit("numberReturned differs from the features sent")
        features += [{"id": f["id"], "properties": f["properties"]} for f in page["features"]]
        offset += len(page["features"])
        if not page["features"] or offset >= matched:
            break
    print(json.dumps({"collections": ids, "matched": matched, "features": features}, ensure_ascii=False))


if __name__ == "__main__":
    main()
