#!/usr/bin/env bash
# The Node-RED reference processor for bench/run.sh: the job of bench/c/avg.c as a Node-RED 4.1 flow
# (flows.json: mqtt in -> function -> mqtt out; settings.js: headless, read-only, offline).
#
#   bench/references/nodered/start.sh HOST PORT QOS WORKDIR
#
# Installs Node-RED from package-lock.json (npm ci, output on stderr) into node_modules next to this
# script when it is missing or older than the lock file, then execs node, so this script's PID is
# Node-RED's. WORKDIR becomes Node-RED's userDir (created if missing; this script puts a stub
# package.json there, Node-RED writes nothing).
# stdout carries one line, "ready", once both subscriptions are proven to work (see flows.json);
# Node-RED's warnings and errors go to stderr. Runs until SIGTERM (or SIGINT), then exits 0.
set -euo pipefail
if [ $# -ne 4 ] || [[ ! $3 =~ ^[012]$ ]]; then
  echo "usage: $0 HOST PORT QOS WORKDIR" >&2
  exit 2
fi
DIR=$(cd "$(dirname "$0")" && pwd)
# npm keeps its own copy of the lock in node_modules/.package-lock.json, written at every install.
if [ ! -f "$DIR/node_modules/.package-lock.json" ] || [ "$DIR/package-lock.json" -nt "$DIR/node_modules/.package-lock.json" ]; then
  echo "# installing Node-RED into $DIR/node_modules (npm ci)" >&2
  (cd "$DIR" && npm ci --no-audit --no-fund) >&2
fi
mkdir -p "$4"
# Node-RED reads the userDir's package.json (the modules a user installed) and would create it, but
# is read-only here.
[ -f "$4/package.json" ] || echo '{ "name": "cellhub-bench-nodered-userdir", "private": true }' > "$4/package.json"
# flows.json reads these through Node-RED's ${VAR} substitution of node properties.
export MQTT_HOST=$1 MQTT_PORT=$2 MQTT_QOS=$3
exec node "$DIR/node_modules/node-red/red.js" --settings "$DIR/settings.js" --userDir "$4" "$DIR/flows.json"
