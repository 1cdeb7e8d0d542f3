#!/usr/bin/env bash
# Installs the Debian packages Bando builds and runs with (idempotent; a no-op when all are present).
# Usage: scripts/install-deps.sh [extra-package ...]   — run as root (or with sudo available).
set -euo pipefail
packages=(libsqlite3-dev libspatialite-dev libsqlite3-mod-spatialite libproj-dev proj-data zlib1g-dev libsodium-dev
          libjs-leaflet fonts-dejavu-core pkg-config "$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "Installing Debian packages: ${missing[*]}"
  sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  # Glewlwyd (the tests' OpenID provider) asks how to configure its own database; it needs none.
  if printf '%s\n' "${missing[@]}" | grep -qx glewlwyd; then
    echo "glewlwyd glewlwyd/config_type select No configuration" | "${sudo_cmd[@]}" debconf-set-selections
  fi
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if ! command -v swift >/dev/null 2>&1; then
  echo "Swift 6.1 or newer is needed (swift.org toolchain; put its usr/bin on PATH)." >&2
  exit 1
fi
