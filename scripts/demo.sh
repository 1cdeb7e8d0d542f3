#!/usr/bin/env bash
# One command: install what is needed, build, create the demo province (first run only) and serve it.
# Env: HOST (127.0.0.1), PORT (8080), BANDO_DATA (./data) — everything it writes lives there.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product bando
data=${BANDO_DATA:-$PWD/data}
mkdir -p "$data"; chmod 700 "$data"
db="$data/demo.sqlite"
if [ ! -s "$db" ]; then
  password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 14)
  umask 077
  .build/release/bando seed-demo --db "$db" --password "$password" > "$data/demo-accounts.txt"
fi
echo
cat "$data/demo-accounts.txt"
echo
echo "Stop the portal with Ctrl-C (or SIGTERM); its data stays in $data."
exec .build/release/bando serve --db "$db" --host "${HOST:-127.0.0.1}" --port "${PORT:-8080}" --data-dir "$data"
