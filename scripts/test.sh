#!/usr/bin/env bash
# One command: install what is needed and run every test (unit, store, portal, end-to-end).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh pngcheck sqlite3 chromium chromium-driver openssl glewlwyd dbconfig-no-thanks \
  python3-owslib gdal-bin python3-venv   # real OGC clients the tests drive
BANDO_CLIENTS_PYTHON="$(scripts/python-clients.sh)"   # ogctests, openapi-spec-validator (PyPI)
export BANDO_CLIENTS_PYTHON
swift build --build-tests
scripts/fuzz.sh --smoke          # the fuzz targets, once over their seed corpora
swift test --skip-build
