#!/usr/bin/env bash
# One processor, CellHub or the C reference, alone on a Mosquitto of its own, and where its time goes.
# The benchmark's average job (100 cells) at one QoS: the burst right after the start, the warm-up of
# bench/run.sh (15 s paced, one full-speed run), then bursts of N inputs, each reported with its rate
# and the CPU per 1,000 inputs of the broker, the processor and the generator. During the second burst,
# optionally, what the kernel counts per input (perf stat: system calls, context switches), a CPU
# profile (perf record, Java frames named from the JVM's perf map) or a JFR recording of CellHub.
# CellHub subscribes to its two inputs, as the C processor does, unless --filter says otherwise.
#
#   bench/profile.sh cellhub             CellHub at QoS 1, three bursts of 50,000
#   bench/profile.sh c                   the C processor (bench/c/avg.c), the same
#   bench/profile.sh cellhub --qos 0     at QoS 0 (bursts of 200,000)
#   bench/profile.sh cellhub --filter '#'   CellHub on its default ingest filter
#   bench/profile.sh cellhub --syscalls  perf stat of processor and broker during the second burst
#   bench/profile.sh cellhub --perf      perf record of the processor during the second burst
#   bench/profile.sh cellhub --jfr       JFR (settings=profile) of CellHub during the second burst
#   bench/profile.sh cellhub --bursts 5  more bursts
#   bench/profile.sh cellhub --latency 3 then 3 phases of 20,000 inputs at 2,000/s (the rounds' latency load)
#   bench/profile.sh cellhub --smoke     tiny bursts and no warm-up, figures meaningless (CI: BenchSmokeIT)
# Needs gcc and libmosquitto-dev (the C generator), perf for --syscalls/--perf (apt-get install linux-perf).
# Files are kept in the work directory it prints. Run nothing else beside it: the figures are CPU times.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
. "$ROOT/bench/common.sh"

PROC=${1:-}
[ "$PROC" = cellhub ] || [ "$PROC" = c ] || { echo "usage: bench/profile.sh cellhub|c [--qos 0|1] [--filter F] [--bursts N] [--latency N] [--syscalls|--perf|--jfr]" >&2; exit 2; }
shift
QOS=1 FILTER='+/temperature1,+/temperature2' BURSTS=3 LATENCY=0 MODE=none SMOKE=false
while [ $# -gt 0 ]; do
  case "$1" in
    --qos) QOS=$2; shift ;;
    --filter) FILTER=$2; shift ;;
    --bursts) BURSTS=$2; shift ;;
    --latency) LATENCY=$2; shift ;;
    --syscalls) MODE=syscalls ;;
    --perf) MODE=perf ;;
    --jfr) MODE=jfr ;;
    --smoke) SMOKE=true ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ "$QOS" = 0 ] || [ "$QOS" = 1 ] || { echo "--qos takes 0 or 1" >&2; exit 2; }
[ "$MODE" = jfr ] && [ "$PROC" = c ] && { echo "--jfr records CellHub only" >&2; exit 2; }
if [ "$MODE" = syscalls ] || [ "$MODE" = perf ]; then
  command -v perf >/dev/null || { echo "--$MODE needs perf (apt-get install linux-perf)" >&2; exit 1; }
fi
command -v gcc >/dev/null && [ -f /usr/include/mosquitto.h ] || { echo "needs gcc and libmosquitto-dev" >&2; exit 1; }
APP_JAR=${CELLHUB_JAR:-$ROOT/target/quarkus-app/quarkus-run.jar}
[ "$PROC" = c ] || [ -f "$APP_JAR" ] || { echo "no CellHub jar at $APP_JAR: ./mvnw package -DskipTests first" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cellhub-profile.XXXXXX")
PIDS=()
cleanup() {
  local i # the processor gone before the broker, so that CellHub does not log the broker's going away
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    kill "${PIDS[$i]}" 2>/dev/null || true
    wait "${PIDS[$i]}" 2>/dev/null || true
  done
  echo "# work directory: $WORK" >&2
}
trap cleanup EXIT
gcc -O2 -o "$WORK/loadgen" bench/c/loadgen.c -lmosquitto -lpthread
[ "$PROC" = c ] && gcc -O2 -o "$WORK/avg" bench/c/avg.c -lmosquitto

PORT=$(free_port)
mosquitto_conf "$PORT" > "$WORK/mosquitto.conf"
ln -s /usr/sbin/mosquitto "$WORK/profile-mosquitto" # a name of its own, as in bench/run.sh
"$WORK/profile-mosquitto" -c "$WORK/mosquitto.conf" > "$WORK/mosquitto.log" 2>&1 &
BROKER=$!
PIDS+=("$BROKER")
wait_port "$PORT" 10 || { echo "Mosquitto did not start" >&2; exit 1; }

if [ "$PROC" = c ]; then
  "$WORK/avg" 127.0.0.1 "$PORT" "$QOS" > "$WORK/processor.log" 2>&1 &
  PID=$!
  sleep 0.5
else
  HTTP=$(free_port)
  java_opts=()
  read -r -a java_opts <<< "${CELLHUB_JVM_OPTIONS-@$ROOT/jvm.options}"
  # the perf map names the JIT-compiled Java frames in a perf profile (written at exit)
  [ "$MODE" = perf ] && java_opts+=(-XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit)
  cellhub_env "$QOS" false "$FILTER" cellhub-profile "$HTTP" "$WORK/data"
  env CELLHUB_BROKER_EMBEDDED=false CELLHUB_MQTT_HOST=127.0.0.1 "CELLHUB_MQTT_PORT=$PORT" "${CELLHUB_ENV[@]}" java "${java_opts[@]}" -jar "$APP_JAR" > "$WORK/processor.log" 2>&1 &
  PID=$!
  for _ in $(seq 1200); do
    curl -fsS "http://127.0.0.1:$HTTP/q/health/ready" >/dev/null 2>&1 && break
    kill -0 "$PID" 2>/dev/null || { echo "CellHub stopped; its log:" >&2; tail -30 "$WORK/processor.log" >&2; exit 1; }
    sleep 0.1
  done
fi
PIDS+=("$PID")

TICK_MS=$((1000 / $(getconf CLK_TCK)))
BASE=0
burst() { # label n rate
  BASE=$((BASE + 1000))
  local b0 p0 line host0
  b0=$(cpu_ticks "$BROKER") p0=$(cpu_ticks "$PID")
  read -r -a host0 <<< "$(host_ticks)"
  line=$("$WORK/loadgen" --port "$PORT" --label "$1" --scenario average --qos "$QOS" --n "$2" --rate "$3" --cells 100 \
    --base "$BASE" --quiet 3 --timeout 55 2> "$WORK/generator-$1.err" | grep '^RESULT' || echo "RESULT label=$1 ending=failed")
  echo "$line broker_cpu_ms_per_1k=$(( ($(cpu_ticks "$BROKER") - b0) * TICK_MS * 1000 / $2 )) proc_cpu_ms_per_1k=$(( ($(cpu_ticks "$PID") - p0) * TICK_MS * 1000 / $2 )) steal_pct=$(steal_since "${host0[@]}")"
}
summary() { # RESULT line
  echo "$1" | tr ' ' '\n' | grep -E '^(label|msgs_per_s|lost|p99_ms|max_ms|generator_cpu_ms_per_1k|broker_cpu_ms_per_1k|proc_cpu_ms_per_1k|steal_pct)=' | paste -sd' '
}

N=50000
[ "$QOS" = 0 ] && N=200000
$SMOKE && N=1000
echo "# $PROC at QoS $QOS$([ "$PROC" = cellhub ] && echo ", ingest filter $FILTER"); bursts of $N after the start and the warm-up$($SMOKE && echo " (SMOKE: tiny bursts, no warm-up, figures meaningless)"); CPU in ms per 1,000 inputs" >&2
summary "$(burst cold "$N" 0)"
if ! $SMOKE; then
  burst warmup 60000 4000 > /dev/null
  burst warmup-full "$N" 0 > /dev/null
fi
EVENTS=raw_syscalls:sys_enter,context-switches,syscalls:sys_enter_read,syscalls:sys_enter_recvfrom,syscalls:sys_enter_write,syscalls:sys_enter_sendto,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_epoll_pwait2
for i in $(seq "$BURSTS"); do
  watchers=()
  if [ "$i" = 2 ]; then
    case "$MODE" in
      syscalls)
        perf stat -e "$EVENTS" -p "$PID" -o "$WORK/syscalls-processor.txt" 2>/dev/null & watchers+=($!)
        perf stat -e "$EVENTS" -p "$BROKER" -o "$WORK/syscalls-broker.txt" 2>/dev/null & watchers+=($!) ;;
      perf) perf record -e cpu-clock -F 999 -g -p "$PID" -o "$WORK/perf.data" 2>/dev/null & watchers+=($!) ;;
      jfr) jcmd "$PID" JFR.start name=burst settings=profile "filename=$WORK/burst.jfr" > /dev/null ;;
    esac
    sleep 0.5
  fi
  summary "$(burst "burst$i" "$N" 0)"
  for w in "${watchers[@]}"; do kill -INT "$w"; wait "$w" 2>/dev/null || true; done
  [ "$i" = 2 ] && [ "$MODE" = jfr ] && jcmd "$PID" JFR.stop name=burst > /dev/null
done

for i in $(seq "$LATENCY"); do
  if $SMOKE; then summary "$(burst "latency$i" 1000 2000)"; else summary "$(burst "latency$i" 20000 2000)"; fi
done

awk '/^VmRSS/ { rss = $2 } /^VmHWM/ { hwm = $2 } END { printf "# the processor'"'"'s RSS at the end %.0f MB, peak %.0f MB\n", rss / 1024, hwm / 1024 }' "/proc/$PID/status" >&2

if [ "$MODE" = syscalls ]; then
  for who in processor broker; do
    echo "# $who during burst2, per input:"
    awk -v n="$N" '$1 ~ /^[0-9,]+$/ { gsub(",", "", $1); printf "  %-32s %6.2f\n", $2, $1 / n }' "$WORK/syscalls-$who.txt"
  done
fi
if [ "$MODE" = perf ]; then
  kill "$PID"; wait "$PID" 2>/dev/null || true # the JVM writes its perf map as it exits
  echo "# where the processor's CPU went during burst2 (perf report, by shared object, then by symbol):"
  perf report -i "$WORK/perf.data" --no-children --sort dso -g none --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -8
  perf report -i "$WORK/perf.data" --no-children --sort sym -g none --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -30
fi
[ "$MODE" = jfr ] && echo "# JFR recording: $WORK/burst.jfr (jfr print --events jdk.ObjectAllocationSample ...)"
exit 0
