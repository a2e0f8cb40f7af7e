#!/usr/bin/env bash
# How long CellHub takes from launch until /q/health/ready says UP, on its embedded defaults (the
# README's run command): the fast-jar on the java of the PATH, and, when a JDK 25 or newer is there,
# the aot-jar with the AOT cache that scripts/aot-cache.sh trains. Each gets its own data directory;
# its first start (initdb) is reported apart from the restarts, which are interleaved.
#
#   bench/ready.sh              5 restarts of each
#   bench/ready.sh --runs 9     9 restarts of each
#   bench/ready.sh --smoke      1 restart of each, no figures to read (CI: the script cannot rot)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
COMMAND="bench/ready.sh $*"

RUNS=5
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift ;;
    --smoke) RUNS=1 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

FAST_APP=$ROOT/target/quarkus-app
if [ ! -f "$FAST_APP/quarkus-run.jar" ]; then
  echo "# building CellHub (./mvnw -B -q package -DskipTests)" >&2
  ./mvnw -B -q package -DskipTests >&2
fi
AOT_APP=$ROOT/target/aot-app
AOT_JAVA=""
# The cache must match the jar it runs with, so it is built and trained afresh. Without a JDK 25
# (exit status 3) only the fast-jar is measured; any other failure of the script is this script's.
status=0
train_out=$(scripts/aot-cache.sh) || status=$?
case $status in
  0) AOT_JAVA=$(awk '/-XX:AOTCache=/ {print $4}' <<< "$train_out") ;;
  3) echo "# no AOT measurement: no JDK 25 or newer here" >&2 ;;
  *) echo "scripts/aot-cache.sh failed (exit status $status)" >&2; exit 1 ;;
esac

. "$ROOT/scripts/cellhub-process.sh"
use_scratch_dir ready

# Prints "seconds-to-ready cpu-seconds rss-mb" of one start of $1 (fast or aot).
start_once() { # mode
  local ready
  if [ "$1" = aot ]; then  # AOTMode=on: a cache the JVM cannot use is an error
    start_cellhub "$AOT_JAVA" "$AOT_APP" "$WORK/data-aot" "$WORK/aot.log" -XX:AOTCache=app.aot -XX:AOTMode=on
  else
    start_cellhub java "$FAST_APP" "$WORK/data-fast" "$WORK/fast.log"
  fi
  wait_ready || exit 1
  ready=$(date +%s.%N)
  awk -v a="$STARTED" -v b="$ready" '{printf "%.2f %.2f ", b - a, ($14 + $15) / 100}' "/proc/$PID/stat"
  awk '/VmRSS/ {printf "%.0f\n", $2 / 1024}' "/proc/$PID/status"
  stop_cellhub
}

modes=(fast)
[ -n "$AOT_JAVA" ] && modes+=(aot)
for m in "${modes[@]}"; do start_once "$m" > "$WORK/first-$m"; done
for ((i = 0; i < RUNS; i++)); do
  for m in "${modes[@]}"; do start_once "$m" >> "$WORK/restarts-$m"; done
done

column() { awk -v c="$2" '{print $c}' "$1" | sort -n; } # file column -> its values, sorted
median() { awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
summary() { # file -> "min median max|median CPU|median RSS"
  echo "$(column "$1" 1 | head -1) $(column "$1" 1 | median) $(column "$1" 1 | tail -1)|$(column "$1" 2 | median)|$(column "$1" 3 | median)"
}
label() { [ "$1" = aot ] && echo "aot-jar + AOT cache, $("$AOT_JAVA" -version 2>&1 | head -1 | cut -d'"' -f2)" \
  || echo "fast-jar, java $(java -version 2>&1 | head -1 | cut -d'"' -f2)"; }

echo "CellHub ready time $(date -u '+%Y-%m-%d %H:%M UTC'), embedded defaults (broker, PostgreSQL, simulated fleet)"
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: $COMMAND"
echo
echo "| how it runs                              | first start s | restarts: min median max s | CPU s (median) | RSS at ready MB (median) |"
echo "|------------------------------------------|---------------|----------------------------|----------------|--------------------------|"
for m in "${modes[@]}"; do
  read -r first _ <<< "$(cat "$WORK/first-$m")"
  IFS='|' read -r times cpu rss <<< "$(summary "$WORK/restarts-$m")"
  printf "| %-40s | %13s | %26s | %14s | %24s |\n" "$(label "$m")" "$first" "$times" "$cpu" "$rss"
done
echo
echo "ready = launch until the first 200 from /q/health/ready (polled every 20 ms); $RUNS restart(s) of each, interleaved;"
echo "CPU = user + system seconds of the JVM until then (PostgreSQL is a process of its own)."
[ -n "$AOT_JAVA" ] || echo "aot: not measured (needs a JDK 25 or newer; see scripts/aot-cache.sh)"
