#!/usr/bin/env bash
# Builds CellHub in Quarkus's aot-jar layout and trains a JDK 25 AOT cache for it (JEP 483/514/515):
# target/aot-app/app.aot. With the cache the JVM maps the classes of a past start, already loaded and
# linked, with their method profiles, instead of finding, parsing and profiling them again.
#
#   scripts/aot-cache.sh            build (./mvnw package -Paot), then train
#   scripts/aot-cache.sh --no-build train the app already in target/aot-app
#
# Then, from target/aot-app, with the same JDK:  <jdk25>/bin/java -XX:AOTCache=app.aot -jar quarkus-run.jar
#
# The JDK: CELLHUB_AOT_JAVA, else JAVA_HOME's, else the java on the PATH, else the newest under
# /usr/lib/jvm, whichever is 25 or newer first. The training run starts CellHub on its embedded
# defaults in a scratch data directory on free ports, waits until it is ready, sends it the requests
# a dashboard and a script send, lets the simulated fleet run through the processors and the journal,
# and stops it; the JVM writes the cache as it exits. Needs curl and python3 (free ports).
# Exit status 3: no JDK 25 or newer found; 1: anything else went wrong.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
APP=$ROOT/target/aot-app
TRAIN_SECONDS=${CELLHUB_AOT_TRAIN_SECONDS:-10}

BUILD=true
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD=false ;;
    *) echo "unknown option $arg (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
done

feature_release() { # java -> its feature release (17, 25, ...)
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}
find_java() {
  local candidates=()
  if [ -n "${CELLHUB_AOT_JAVA:-}" ]; then
    [ -x "$CELLHUB_AOT_JAVA" ] || { echo "CELLHUB_AOT_JAVA=$CELLHUB_AOT_JAVA is not an executable" >&2; exit 1; }
    echo "$CELLHUB_AOT_JAVA"; return
  fi
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  command -v java >/dev/null && candidates+=("$(command -v java)")
  candidates+=($(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV))
  local j
  for j in "${candidates[@]}"; do
    [ -x "$j" ] && [ "$(feature_release "$j")" -ge 25 ] 2>/dev/null && { echo "$j"; return; }
  done
  return 0
}
JAVA=$(find_java) || exit 1
if [ -z "$JAVA" ] || ! [ "$(feature_release "$JAVA")" -ge 25 ] 2>/dev/null; then
  if [ -n "$JAVA" ]; then found="CELLHUB_AOT_JAVA=$JAVA is Java $(feature_release "$JAVA")"
  else found="none in JAVA_HOME, the PATH or /usr/lib/jvm"; fi
  echo "An AOT cache needs a JDK 25 or newer to train and to run it; $found." \
       "Set CELLHUB_AOT_JAVA=/path/to/jdk-25/bin/java. On Java 17, run the fast-jar as the README's" \
       "'Run it' says." >&2
  exit 3
fi

if $BUILD; then
  echo "# building target/aot-app (./mvnw -B -q package -DskipTests -Paot)" >&2
  (cd "$ROOT" && ./mvnw -B -q package -DskipTests -Paot >&2)
fi
[ -f "$APP/quarkus-run.jar" ] || { echo "no $APP/quarkus-run.jar: run without --no-build" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cellhub-aot.XXXXXX")
PID=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
HTTP_PORT=$(free_port)
MQTT_PORT=$(free_port)
URL=http://127.0.0.1:$HTTP_PORT
LOG=$WORK/training.log

echo "# training run: $("$JAVA" -version 2>&1 | head -1), $APP" >&2
rm -f "$APP/app.aot"
# The trainer is an operator configured for this run only (no generated password in the data directory).
(cd "$APP" && CELLHUB_DATA_DIR=$WORK/data QUARKUS_HTTP_PORT=$HTTP_PORT CELLHUB_BROKER_PORT=$MQTT_PORT \
  exec "$JAVA" -XX:AOTCacheOutput=app.aot \
    -Dcellhub.security.users.trainer.password=aot-training -Dcellhub.security.users.trainer.role=operator \
    -jar quarkus-run.jar) > "$LOG" 2>&1 &
PID=$!
ready=false
for _ in $(seq 1200); do
  curl -fsS "$URL/q/health/ready" >/dev/null 2>&1 && { ready=true; break; }
  kill -0 "$PID" 2>/dev/null || break
  sleep 0.1
done
if ! $ready; then
  echo "CellHub did not become ready in the training run; its log:" >&2; tail -40 "$LOG" >&2; exit 1
fi

auth=(-u trainer:aot-training)
get() { curl -fsS -o /dev/null "$@" || echo "# training request failed: curl $*" >&2; }
for _ in 1 2 3; do
  get "$URL/q/health"
  get "$URL/q/metrics"
  get "$URL/login"
  get "${auth[@]}" "$URL/api/status"
  get "${auth[@]}" "$URL/api/topics"
  get "${auth[@]}" -X POST -H 'Content-Type: application/json' \
      -d '{"topic":"robotcell1/temperature1","payload":"21.5"}' "$URL/api/publish"
  curl -s -o /dev/null --max-time 2 "${auth[@]}" "$URL/api/stream?filter=%23" || true  # ends by its timeout
done
sleep "$TRAIN_SECONDS"

kill "$PID"
wait "$PID" || true
PID=""
if [ ! -s "$APP/app.aot" ]; then
  echo "The training run wrote no $APP/app.aot; its log:" >&2; tail -40 "$LOG" >&2; exit 1
fi
echo "# $(grep -c 'Skipping' "$LOG" || true) class(es) left out of the cache (see -Xlog:aot)" >&2
echo "$APP/app.aot ($(du -m "$APP/app.aot" | cut -f1) MB) written. Run CellHub with it:"
echo "  cd $APP && $JAVA -XX:AOTCache=app.aot -jar quarkus-run.jar"
