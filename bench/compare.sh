#!/usr/bin/env bash
# Two CellHub builds side by side: the same job as bench/run.sh's CellHub rows (the average exercise,
# 100 cells, the benchmark's Mosquitto, the C generator), each build started in turn on a fresh broker
# and a fresh data directory (A, B, A, B, ...), so a drift of the machine falls on both alike.
#
#   bench/compare.sh A B                  both QoS, journal off and on, 2 starts of each build per setting
#   bench/compare.sh A B --qos 1 --journal on --starts 3 --bursts 3
#   bench/compare.sh A B --smoke          tiny N, one start and one burst: only that it runs (CI)
#
# A and B: a build's target/quarkus-app directory or its quarkus-run.jar. Each start: the full-speed
# burst right after the start (cold), the benchmark's warm-up (15 s paced, one full-speed burst), then
# --bursts measured full-speed bursts (200,000 inputs at QoS 0, 50,000 at QoS 1, as bench/run.sh). A
# burst reports msgs/s, lost, and the CPU per input of the broker and of CellHub in µs: on a machine
# whose cores the broker, the generator and CellHub share, the rate follows what each takes per input,
# and the CPU figures are steadier than the rate. The end: per setting and build the medians of every
# measured burst, and B against A.
#
# Needs what bench/run.sh needs for its C generator (gcc, libmosquitto-dev, Debian's mosquitto).
# Builds from before issue 17 read their broker address from CELLHUB_BROKER_HOST/PORT, today's from
# CELLHUB_MQTT_HOST/PORT (the first pair names the embedded broker there, off in these runs): both
# are set, so any build of CellHub can be compared.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
. "$ROOT/bench/common.sh"
COMMAND="bench/compare.sh $*"

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 2 ] || usage
jar_of() { # a quarkus-app directory or a jar
  if [ -d "$1" ]; then echo "$1/quarkus-run.jar"; else echo "$1"; fi
}
JAR_A=$(jar_of "$1") JAR_B=$(jar_of "$2")
shift 2
for jar in "$JAR_A" "$JAR_B"; do [ -f "$jar" ] || { echo "no CellHub build at $jar" >&2; exit 2; }; done
QOS_LIST="0 1" JOURNAL_LIST="false true" STARTS=2 BURSTS=2 SMOKE=false
while [ $# -gt 0 ]; do
  case "$1" in
    --qos) QOS_LIST=$2; shift ;;
    --journal) case "$2" in on) JOURNAL_LIST=true ;; off) JOURNAL_LIST=false ;; *) usage ;; esac; shift ;;
    --starts) STARTS=$2; shift ;;
    --bursts) BURSTS=$2; shift ;;
    --smoke) SMOKE=true STARTS=1 BURSTS=1 ;;
    *) usage ;;
  esac
  shift
done
if $SMOKE; then N_Q0=2000 N_Q1=1000 WARMUP=0 QUIET=2; else N_Q0=200000 N_Q1=50000 WARMUP=60000 QUIET=10; fi

MOSQUITTO=${MOSQUITTO:-/usr/sbin/mosquitto}
[ -x "$MOSQUITTO" ] || { echo "needs Mosquitto at $MOSQUITTO (apt-get install mosquitto)" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cellhub-compare.XXXXXX")
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
command -v gcc >/dev/null && [ -f /usr/include/mosquitto.h ] \
  || { echo "needs gcc and libmosquitto-dev for the C generator (apt-get install -y gcc libmosquitto-dev)" >&2; exit 1; }
gcc -O2 -o "$WORK/loadgen" bench/c/loadgen.c -lmosquitto -lpthread
TICK_US=$((1000000 / $(getconf CLK_TCK)))
RESULTS=$WORK/results.txt

# One full-speed or paced run of the average job; a measured one ($1 not empty) adds a line to RESULTS.
burst() { # measured-label qos n rate
  BASE=$((BASE + 1000))
  local b0 c0 line
  b0=$(cpu_ticks "$MOSQ_PID") c0=$(cpu_ticks "$CH_PID")
  line=$("$WORK/loadgen" --port "$MQTT_PORT" --label "${1:-unmeasured}" --scenario average --qos "$2" --n "$3" --rate "$4" \
    --cells 100 --base "$BASE" --quiet "$QUIET" --timeout 55 2> "$WORK/loadgen.err" | grep '^RESULT' || true)
  [ -n "$1" ] || return 0
  [ -n "$line" ] || { echo "# $1: the generator printed no result" >&2; cat "$WORK/loadgen.err" >&2; return 0; }
  line="$line broker_us=$((($(cpu_ticks "$MOSQ_PID") - b0) * TICK_US / $3)) cellhub_us=$((($(cpu_ticks "$CH_PID") - c0) * TICK_US / $3))"
  echo "$line" >> "$RESULTS"
  echo "$line" | awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    printf "%-26s %7s msgs/s  lost %-6s broker %4s µs  CellHub %4s µs per input\n", f["label"], f["msgs_per_s"], f["lost"], f["broker_us"], f["cellhub_us"] }' >&2
}

# Waits until CellHub's journal has written what it took (the row counter still for 2 s, at most
# 40 s), so that one burst's backlog does not run into the next.
journal_settle() {
  local prev="" rows still=0
  for _ in $(seq 160); do
    rows=$(curl -fsS "http://127.0.0.1:$HTTP_PORT/q/metrics" 2>/dev/null \
      | awk '$1 ~ /^cellhub_journal_rows_total/ {s += $2} END {printf "%d", s}')
    if [ "$rows" = "$prev" ]; then still=$((still + 1)); [ $still -ge 8 ] && return 0; else still=0; fi
    prev=$rows
    sleep 0.25
  done
}

one_start() { # build(A|B) jar qos journal
  local label="$1:qos$3:journal-$([ "$4" = true ] && echo on || echo off)" n=$N_Q0 java_opts=()
  [ "$3" = 1 ] && n=$N_Q1
  MQTT_PORT=$(free_port) HTTP_PORT=$(free_port) BASE=0
  rm -rf "$WORK/data" && mosquitto_conf "$MQTT_PORT" > "$WORK/mosquitto.conf"
  [ -e "$WORK/compare-mosquitto" ] || ln -s "$MOSQUITTO" "$WORK/compare-mosquitto"
  "$WORK/compare-mosquitto" -c "$WORK/mosquitto.conf" > "$WORK/mosquitto.log" 2>&1 &
  MOSQ_PID=$!
  PIDS+=("$MOSQ_PID")
  wait_port "$MQTT_PORT" 10 || { echo "Mosquitto did not start" >&2; cat "$WORK/mosquitto.log" >&2; exit 1; }
  read -r -a java_opts <<< "${CELLHUB_JVM_OPTIONS-@$ROOT/jvm.options}"
  CELLHUB_BROKER_EMBEDDED=false CELLHUB_MQTT_HOST=127.0.0.1 CELLHUB_MQTT_PORT=$MQTT_PORT \
  CELLHUB_BROKER_HOST=127.0.0.1 CELLHUB_BROKER_PORT=$MQTT_PORT \
  CELLHUB_FLEET_ENABLED=false CELLHUB_SECURITY_ENABLED=false CELLHUB_DATA_DIR=$WORK/data \
  CELLHUB_JOURNAL_ENABLED=$4 QUARKUS_HTTP_PORT=$HTTP_PORT \
  MP_MESSAGING_INCOMING_MQTT_IN_QOS=$3 MP_MESSAGING_OUTGOING_MQTT_OUT_QOS=$3 \
  CELLHUB_RULES_AVERAGE_TEMPERATURE_QOS=$3 CELLHUB_RULES_AVERAGE_TEMPERATURE_RETAIN=false \
    java "${java_opts[@]}" -jar "$2" > "$WORK/cellhub.log" 2>&1 &
  CH_PID=$!
  PIDS+=("$CH_PID")
  for _ in $(seq 1200); do
    curl -fsS "http://127.0.0.1:$HTTP_PORT/q/health/ready" >/dev/null 2>&1 && break
    kill -0 "$CH_PID" 2>/dev/null || { echo "CellHub ($2) stopped; its log:" >&2; tail -30 "$WORK/cellhub.log" >&2; exit 1; }
    sleep 0.1
  done
  burst "cold:$label" "$3" "$n" 0
  [ "$4" = true ] && journal_settle
  if [ "$WARMUP" -gt 0 ]; then
    burst "" "$3" "$WARMUP" $((WARMUP / 15))
    burst "" "$3" "$n" 0
    [ "$4" = true ] && journal_settle
  fi
  for ((b = 1; b <= BURSTS; b++)); do
    burst "$label" "$3" "$n" 0
    [ "$4" = true ] && journal_settle
  done
  kill "$CH_PID" "$MOSQ_PID"; wait "$CH_PID" "$MOSQ_PID" 2>/dev/null || true
}

: > "$RESULTS"
echo "# A: $JAR_A" >&2
echo "# B: $JAR_B" >&2
for q in $QOS_LIST; do
  for j in $JOURNAL_LIST; do
    for ((s = 1; s <= STARTS; s++)); do
      one_start A "$JAR_A" "$q" "$j"
      one_start B "$JAR_B" "$q" "$j"
    done
  done
done

{
  echo
  echo "CellHub builds compared $(date -u '+%Y-%m-%d %H:%M UTC')$($SMOKE && echo ' (SMOKE: tiny N, figures meaningless)')"
  echo "A: $JAR_A"
  echo "B: $JAR_B"
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end; $("$MOSQUITTO" -h 2>/dev/null | head -1); $(java -version 2>&1 | head -1)"
  echo "command: $COMMAND"
  echo "medians of the measured bursts ($STARTS starts x $BURSTS bursts of each build per setting; cold: one per start)"
  echo
  awk '
    /^RESULT/ {
      delete f; for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
      m = split(f["label"], part, ":") # [cold:]build:qosQ:journal-on|off
      build = part[m - 2]; setting = (m == 4 ? "cold, " : "") part[m - 1] ", " part[m]
      if (!(setting in seen)) { seen[setting] = 1; order[++n] = setting }
      k = setting SUBSEP build
      c = ++count[k]; rate[k, c] = f["msgs_per_s"]; broker[k, c] = f["broker_us"]; cellhub[k, c] = f["cellhub_us"]
      if (f["lost"] > lost[k]) lost[k] = f["lost"]
    }
    function median(a, k, n,   i, j, t, x) {
      for (i = 1; i <= n; i++) x[i] = a[k, i] + 0
      for (i = 2; i <= n; i++) { t = x[i]; for (j = i - 1; j >= 1 && x[j] > t; j--) x[j + 1] = x[j]; x[j + 1] = t }
      return (n % 2) ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
    }
    function change(b, a) { return a > 0 ? sprintf("%+.1f %%", (b - a) * 100 / a) : "-" }
    END {
      printf "| %-24s | %9s | %9s | %8s | %9s | %9s | %9s | %9s | %8s | %5s |\n", "setting", "A msgs/s", "B msgs/s", "B vs A", \
        "A broker", "B broker", "A CellHub", "B CellHub", "B vs A", "lost"
      print "|--------------------------|-----------|-----------|----------|-----------|-----------|-----------|-----------|----------|-------|"
      for (o = 1; o <= n; o++) {
        s = order[o]; ka = s SUBSEP "A"; kb = s SUBSEP "B"
        ra = median(rate, ka, count[ka]); rb = median(rate, kb, count[kb])
        ba = median(broker, ka, count[ka]); bb = median(broker, kb, count[kb])
        ca = median(cellhub, ka, count[ka]); cb = median(cellhub, kb, count[kb])
        printf "| %-24s | %9.0f | %9.0f | %8s | %9.1f | %9.1f | %9.1f | %9.1f | %8s | %5d |\n", s, ra, rb, change(rb, ra), \
          ba, bb, ca, cb, change(bb + cb, ba + ca), lost[ka] + lost[kb]
      }
      print ""
      print "broker, CellHub: CPU per input in µs (user + system) of Mosquitto and of CellHub; the second B vs A is"
      print "that of their sum, the CPU the two take from the machine per input. lost: the most any burst of either"
      print "build lost."
    }' "$RESULTS"
} | tee "$WORK/table.txt"
