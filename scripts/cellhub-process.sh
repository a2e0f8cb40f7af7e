# Sourced by scripts/aot-cache.sh, bench/ready.sh and bench/fleet-memory.sh: one CellHub process at a time on its embedded
# defaults, in a scratch directory, on free loopback ports. Needs curl and python3.
#
#   use_scratch_dir NAME             WORK: a new temporary directory; it and the process go at exit
#   start_cellhub JAVA APP DATA LOG [JVM options...]
#                                    starts APP/quarkus-run.jar from APP (an AOT cache records the
#                                    class path relative to it); sets PID, URL, MQTT_PORT (the
#                                    embedded broker's) and STARTED (the launch time, seconds since
#                                    the epoch)
#   wait_ready                       0 once /q/health/ready answers 200; 1 if the process ended or
#                                    60 s passed (the log's tail goes to stderr)
#   stop_cellhub

PID=""
use_scratch_dir() {
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/cellhub-$1.XXXXXX")
  trap 'stop_cellhub; rm -rf "$WORK"' EXIT
}
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
start_cellhub() {
  local java=$1 app=$2 data=$3 http
  CELLHUB_LOG=$4
  shift 4
  http=$(free_port) MQTT_PORT=$(free_port)
  URL=http://127.0.0.1:$http
  STARTED=$(date +%s.%N)
  (cd "$app" && CELLHUB_DATA_DIR=$data QUARKUS_HTTP_PORT=$http CELLHUB_BROKER_PORT=$MQTT_PORT \
    exec "$java" "$@" -jar quarkus-run.jar) >> "$CELLHUB_LOG" 2>&1 &
  PID=$!
}
wait_ready() {
  for _ in $(seq 3000); do
    curl -fsS "$URL/q/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.02
  done
  echo "CellHub did not become ready; the end of $CELLHUB_LOG:" >&2
  tail -40 "$CELLHUB_LOG" >&2
  return 1
}
stop_cellhub() {
  if [ -n "$PID" ]; then
    kill "$PID" 2>/dev/null || true  # it may have ended by itself
    wait "$PID" 2>/dev/null || true  # a JVM writes its AOT cache as it exits
    PID=""
  fi
  return 0
}
