#!/usr/bin/env bash
# The Python clients the tests drive that Debian does not package, from PyPI at pinned versions,
# in a virtual environment of their own (Debian's python3, so they see Debian's GDAL and PROJ).
# Run ogctests from inside the environment's folder: pytest loads its conftest.py only below
# the folder it starts in.
# Idempotent; prints the environment's python. Usage: scripts/python-clients.sh
set -euo pipefail
venv="${BANDO_CLIENTS_VENV:-$HOME/.cache/bando/clients-venv}"
want="ogctests==0.1.15 openapi-spec-validator==0.7.1 openapi-schema-validator==0.6.3"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.bando-installed" 2>/dev/null)" != "$want" ]; then
  echo "Installing the test clients from PyPI into $venv: $want" >&2
  rm -rf "$venv"
  /usr/bin/python3 -m venv "$venv"
  # shellcheck disable=SC2086
  "$venv/bin/pip" install -q --disable-pip-version-check $want >&2
  echo "$want" > "$venv/.bando-installed"
fi
echo "$venv/bin/python"
