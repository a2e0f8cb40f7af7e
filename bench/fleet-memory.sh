#!/usr/bin/env bash
# What CellHub's heap and RSS come to on its embedded defaults (the README's run command: the
# embedded Artemis and PostgreSQL, the simulated fleet on) once a fleet's topics have arrived.
# bench/c/loadgen.c publishes the average exercise for C cells, each cell's two temperatures once at
# QoS 1 as fast as the broker acknowledges them, and checks that every average arrived; CellHub and
# the broker then hold 3 × C topics, the C averages retained. Then a full collection (through the
# class histogram), and the figures: topics, live heap, RSS, the largest classes.
#
#   bench/fleet-memory.sh                  33,300 cells: 99,900 topics and the fleet's (about 2 minutes;
#                                          cellhub.topics.max is 100,000)
#   bench/fleet-memory.sh --cells 10000
#   bench/fleet-memory.sh --smoke          200 cells, no figures to read (CI: the script cannot rot)
#   bench/fleet-memory.sh --mosquitto      CellHub on Debian's Mosquitto instead of its embedded broker
#                                          (what CellHub itself holds for the topics)
#   CELLHUB_APP=/path/to/quarkus-app bench/fleet-memory.sh    another build (default target/quarkus-app)
#
# Needs gcc and libmosquitto-dev (for the generator), curl, python3 and the JDK's jcmd.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
COMMAND="bench/fleet-memory.sh $*"

CELLS=33300
MOSQUITTO=false
while [ $# -gt 0 ]; do
  case "$1" in
    --cells) CELLS=$2; shift ;;
    --smoke) CELLS=200 ;;
    --mosquitto) MOSQUITTO=true ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

APP=${CELLHUB_APP:-$ROOT/target/quarkus-app}
if [ ! -f "$APP/quarkus-run.jar" ] && [ -z "${CELLHUB_APP:-}" ]; then
  echo "# building CellHub (./mvnw -B -q package -DskipTests)" >&2
  ./mvnw -B -q package -DskipTests >&2
fi

. "$ROOT/scripts/cellhub-process.sh"
use_scratch_dir fleet-memory
gcc -O2 -o "$WORK/loadgen" bench/c/loadgen.c -lmosquitto -lpthread

rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$PID/status"; }

BROKER="its embedded broker"
if $MOSQUITTO; then
  broker_port=$(free_port)
  # No limit on what Mosquitto queues for CellHub's session (its default drops QoS 1 beyond 1,000)
  printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n' "$broker_port" > "$WORK/mosquitto.conf"
  /usr/sbin/mosquitto -c "$WORK/mosquitto.conf" > "$WORK/mosquitto.log" 2>&1 &
  MOSQUITTO_PID=$!
  trap 'stop_cellhub; kill $MOSQUITTO_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
  export CELLHUB_BROKER_EMBEDDED=false CELLHUB_MQTT_HOST=127.0.0.1 CELLHUB_MQTT_PORT=$broker_port
  BROKER="Mosquitto $( (/usr/sbin/mosquitto -h 2>/dev/null || true) | awk 'NR == 1 {print $3}')"
fi
start_cellhub java "$APP" "$WORK/data" "$WORK/cellhub.log" "@$ROOT/jvm.options"
wait_ready || exit 1
$MOSQUITTO && MQTT_PORT=$broker_port
at_ready=$(rss_mb)

result=$("$WORK/loadgen" --port "$MQTT_PORT" --scenario average --qos 1 --cells "$CELLS" --n $((CELLS * 2)) \
  --quiet 5 --timeout 600 2>&1 | grep '^RESULT' || true)
grep -q ' lost=0 ' <<< "$result" || { echo "not every average arrived: $result" >&2; exit 1; }
topics=$(curl -fsS "$URL/q/metrics" | awk '$1 == "cellhub_topics" {printf "%.0f", $2}')
[ "$topics" -ge $((CELLS * 3)) ] || { echo "CellHub holds $topics topics, expected at least $((CELLS * 3))" >&2; exit 1; }
histogram=$(jcmd "$PID" GC.class_histogram)
live_mb=$(awk '$1 == "Total" {printf "%.0f", $3 / 1048576}' <<< "$histogram")
after=$(rss_mb)
stop_cellhub

echo "CellHub memory with a fleet's topics $(date -u '+%Y-%m-%d %H:%M UTC'), on $BROKER (java @jvm.options -jar, otherwise the defaults)"
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), java $(java -version 2>&1 | head -1 | cut -d'"' -f2)"
echo "command: $COMMAND"
echo
echo "| cells | topics | averages retained | RSS at ready MB | live heap after a full GC MB | RSS then MB |"
echo "|-------|--------|-------------------|-----------------|------------------------------|-------------|"
printf "| %5s | %6s | %17s | %15s | %28s | %11s |\n" "$CELLS" "$topics" "$CELLS" "$at_ready" "$live_mb" "$after"
echo
echo "load: $(sed -E 's/.*(published=[0-9]+).*(received=[0-9]+ lost=[0-9]+).*(msgs_per_s=[0-9]+).*/\1 \2 \3/' <<< "$result")"
echo "largest classes after the collection:"
sed -n '4,15p' <<< "$histogram"
