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

. "$ROOT/scripts/cellhub-process.sh"
use_scratch_dir aot
echo "# training run: $("$JAVA" -version 2>&1 | head -1), $APP" >&2
rm -f "$APP/app.aot"
# The trainer is an operator configured for this run only (no generated password in the data directory).
start_cellhub "$JAVA" "$APP" "$WORK/data" "$WORK/training.log" -XX:AOTCacheOutput=app.aot \
  -Dcellhub.security.users.trainer.password=aot-training -Dcellhub.security.users.trainer.role=operator
wait_ready || exit 1

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

stop_cellhub
if [ ! -s "$APP/app.aot" ]; then
  echo "The training run wrote no $APP/app.aot; its log:" >&2; tail -40 "$WORK/training.log" >&2; exit 1
fi
echo "# $(grep -c 'Skipping' "$WORK/training.log" || true) class(es) left out of the cache (see -Xlog:aot)" >&2
echo "$APP/app.aot ($(du -m "$APP/app.aot" | cut -f1) MB) written. Run CellHub with it:"
echo "  cd $APP && $JAVA -XX:AOTCache=app.aot -jar quarkus-run.jar"
