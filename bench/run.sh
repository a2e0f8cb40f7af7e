#!/usr/bin/env bash
# CellHub's benchmark: Debian's Mosquitto on a free loopback port, the load generator and sink, the
# reference processors and CellHub's packaged jar against that broker. Prints one table.
#
# The generator and sink: bench/c/loadgen.c on libmosquitto when gcc and libmosquitto-dev are there
# (it reaches the broker's limit one hop), else the JVM one in bench/src; the fan-out scenario always
# uses the JVM one (it hosts the SSE clients). The reference processors, each run when it can be:
# C on libmosquitto (bench/c/avg.c; once on its two inputs, once on '#' as CellHub's default ingest,
# which reads its own averages back), Python paho-mqtt (bench/references/avg_paho.py, Debian's
# python3-paho-mqtt) and Node-RED 4.1 (bench/references/nodered, installed from npm on first use).
# CellHub runs on its default ingest filter '#', and once more subscribed to its two inputs only
# (cellhub.ingest.filter=+/temperature1,+/temperature2), as the references are.
#
#   bench/run.sh                full run (each scenario stops by itself within a minute)
#   bench/run.sh --smoke        every scenario with tiny N, no thresholds (CI)
#   bench/run.sh --jfr          also record CellHub with JFR (files kept in the work directory)
#   bench/run.sh --keep         keep the work directory (logs, broker config, JFR)
#   bench/run.sh --no-c         skip the C reference processor
#   bench/run.sh --no-paho      skip the paho reference processor
#   bench/run.sh --no-nodered   skip the Node-RED reference processor
#   bench/run.sh --java-generator  the JVM generator for every scenario
#   bench/run.sh --cellhub-only only CellHub's scenarios (no ceilings, so no ratios): for iterating
#   bench/run.sh --rounds 5     the whole run 5 times, each with a fresh broker and fresh processors, so
#                               the systems are interleaved; prints the table of the medians and a line
#                               per round for CellHub (lost and dup: the worst round)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
. "$ROOT/bench/common.sh"
COMMAND="bench/run.sh $*"

SMOKE=false JFR=false KEEP=false WITH_C=true WITH_PAHO=true WITH_NODERED=true REFERENCES=true C_GENERATOR=true
ROUNDS=1 ROUND_ARGS=()
while [ $# -gt 0 ]; do
  arg=$1
  shift
  case "$arg" in
    --rounds=*) ROUNDS=${arg#--rounds=}; continue ;;
    --rounds) ROUNDS=${1:-}; shift || true; continue ;;
  esac
  ROUND_ARGS+=("$arg")
  case "$arg" in
    --smoke) SMOKE=true ;;
    --jfr) JFR=true KEEP=true ;;
    --keep) KEEP=true ;;
    --no-c) WITH_C=false ;;
    --no-paho) WITH_PAHO=false ;;
    --no-nodered) WITH_NODERED=false ;;
    --java-generator) C_GENERATOR=false ;;
    --cellhub-only) REFERENCES=false WITH_C=false WITH_PAHO=false WITH_NODERED=false ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "--rounds needs a whole number of at least 1" >&2; exit 2; }

if $SMOKE; then
  N_Q0=2000 N_Q1=1000 LAT_RATE=500 LAT_SECONDS=2 QUIET=2 WARMUP=0
  FAN_RATE=500 FAN_SECONDS=2 SSE_CLIENTS=5 SLOW_CLIENTS=1 N_DEV=400
else
  N_Q0=200000 N_Q1=50000 LAT_RATE=2000 LAT_SECONDS=10 QUIET=10 WARMUP=60000
  FAN_RATE=10000 FAN_SECONDS=10 SSE_CLIENTS=100 SLOW_CLIENTS=10 N_DEV=20000
fi
CELLS=100
# Short-lived devices: every cell a device of its own that connects, publishes both of its temperatures
# and disconnects, and at once connects again with the same client id (the C generator's --devices).
DEVICE_OPTIONS=(--devices "$CELLS" --per-connection 2)

MOSQUITTO=${MOSQUITTO:-/usr/sbin/mosquitto}
[ -x "$MOSQUITTO" ] || { echo "needs Mosquitto at $MOSQUITTO (apt-get install mosquitto)" >&2; exit 1; }
command -v mosquitto_sub >/dev/null || { echo "needs mosquitto_sub (apt-get install mosquitto-clients)" >&2; exit 1; }

# --- build what is missing -------------------------------------------------------------------
APP_JAR=${CELLHUB_JAR:-$ROOT/target/quarkus-app/quarkus-run.jar}
if [ ! -f "$APP_JAR" ]; then
  echo "# building CellHub (./mvnw -B -q package -DskipTests)" >&2
  ./mvnw -B -q package -DskipTests >&2
fi
BENCH_JAR=$ROOT/bench/target/cellhub-bench.jar
if [ ! -f "$BENCH_JAR" ] || [ -n "$(find bench/src bench/pom.xml -newer "$BENCH_JAR" -type f | head -1)" ]; then
  echo "# building the load generator (./mvnw -B -q -f bench/pom.xml package)" >&2
  ./mvnw -B -q -f bench/pom.xml package >&2
fi
BENCH_CP="$BENCH_JAR:$ROOT/bench/target/lib/*"

# --- the table ---------------------------------------------------------------------------------
# Prints the table of a results file (RESULT lines).
print_table() { # results-file
  local CPU
  CPU=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
  {
    echo
    echo "CellHub benchmark $(date -u '+%Y-%m-%d %H:%M UTC')$($SMOKE && echo ' (SMOKE: tiny N, figures meaningless)')$([ "$ROUNDS" -gt 1 ] && echo ": the median of $ROUNDS rounds in every cell (lost and dup: the worst round)")"
    echo "machine: $(nproc) cores, ${CPU:-unknown CPU}, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
    echo "broker: $("$MOSQUITTO" -h 2>/dev/null | head -1), set_tcp_nodelay true, max_queued_messages 0, max_inflight_messages 1000; $(java -version 2>&1 | head -1)"
    echo "generator and sink: $([ -n "$LOADGEN" ] && echo "bench/c/loadgen.c on libmosquitto (the fan-out run: the JVM one, bench/src)" || echo "the JVM one, bench/src"); every processor warmed up alike first (15 s paced, one full-speed run)"
    echo "command: $COMMAND"
    echo
    awk -v cells="$CELLS" '
      /^RESULT/ {
        delete f; for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
        l = f["label"]; for (k in f) v[l, k] = f[k]; seen[l] = 1
      }
      function cpu(name, label, q) {
        if (!seen[label]) return
        printf "  QoS %d %-22s broker %5s ms", q, name, v[label, "broker_cpu_ms_per_1k"] != "" ? v[label, "broker_cpu_ms_per_1k"] : "(in)"
        if (v[label, "proc_cpu_ms_per_1k"] != "") printf ", processor %5s ms", v[label, "proc_cpu_ms_per_1k"]
        if (v[label, "generator_cpu_ms_per_1k"] != "") printf ", generator %5s ms", v[label, "generator_cpu_ms_per_1k"]
        printf "\n"
      }
      function ratio(label, ref) {
        return (ref != "" && label !~ /^latency/ && v[ref, "msgs_per_s"] > 0 && v[label, "msgs_per_s"] != "") ? sprintf("%.2f", v[label, "msgs_per_s"] / v[ref, "msgs_per_s"]) : "-"
      }
      # ratios to the one-hop ceiling, the C processor and Node-RED of the same QoS (and scenario: the
      # short-lived devices rows, prefix "devices-", against the same run of the ceiling and the C processor)
      function row(name, label, q, prefix,   r1, r2, r3, rate) {
        if (!seen[label]) return
        r1 = ratio(label, prefix "onehop-q" q); r2 = ratio(label, prefix "c-q" q); r3 = ratio(label, prefix "nodered-q" q)
        rate = v[label, "msgs_per_s"]; if (v[label, "lost"] > 0 && label !~ /^latency/) { rate = rate "!"; r1 = r1 "!"; r2 = r2 "!"; r3 = r3 "!"; anylost = 1 }
        printf "| %-34s | %3s | %7s | %9s | %6s | %4s | %8s | %8s | %8s | %7s | %5s | %8s | %7s |\n", name, v[label, "qos"], \
          (v[label, "rate_target"] > 0 ? v[label, "rate_target"] "/s" : v[label, "n"]), rate, \
          v[label, "lost"], v[label, "dup"], v[label, "p50_ms"], v[label, "p99_ms"], v[label, "max_ms"], r1, r2, r3, \
          (v[label, "steal_pct"] != "" ? v[label, "steal_pct"] : "-")
      }
      END {
        # The systems of the job, in table order: label prefix, table row name, short name.
        split("onehop c chash paho nodered cellhub cellhubin", sys, " ")
        full["onehop"] = "one-hop ceiling (no processor)"; short["onehop"] = "one hop"
        full["c"] = "C processor, libmosquitto"; short["c"] = "C processor"
        full["chash"] = "C processor on # (like CellHub)"; short["chash"] = "C processor on #"
        full["paho"] = "Python paho-mqtt 1.6.1 processor"; short["paho"] = "paho processor"
        full["nodered"] = "Node-RED 4.1 flow"; short["nodered"] = "Node-RED flow"
        full["cellhub"] = "CellHub average"; short["cellhub"] = "CellHub"
        full["cellhubin"] = "CellHub on its inputs (like C)"; short["cellhubin"] = "CellHub on its inputs"
        printf "| %-34s | %3s | %7s | %9s | %6s | %4s | %8s | %8s | %8s | %7s | %5s | %8s | %7s |\n", "scenario", "QoS", "N/rate", "msgs/s", "lost", "dup", "p50 ms", "p99 ms", "max ms", "x 1-hop", "x C", "x Node-RED", "steal %"
        print "|------------------------------------|-----|---------|-----------|--------|------|----------|----------|----------|---------|-------|------------|---------|"
        for (q = 0; q <= 1; q++) for (i = 1; i in sys; i++) row(full[sys[i]], sys[i] "-q" q, q)
        for (q = 0; q <= 1; q++) row("CellHub average, journal on", "journal" (q ? "" : "0") "-q" q, q)
        for (q = 0; q <= 1; q++) for (i = 1; i in sys; i++) row("cold start: " short[sys[i]], "cold-" sys[i] "-q" q, q)
        for (q = 0; q <= 1; q++) row("cold start: CellHub, journal on", "cold-journal" (q ? "" : "0"), q)
        for (q = 0; q <= 1; q++) for (i = 1; i in sys; i++) row("latency: " short[sys[i]], "latency-" sys[i] "-q" q, q)
        for (q = 0; q <= 1; q++) row("latency: CellHub, journal on", "latency-journal-q" q, q)
        for (q = 0; q <= 1; q++) {
          row("short-lived devices: one hop", "devices-onehop-q" q, q, "devices-")
          row("short-lived devices: C processor", "devices-c-q" q, q, "devices-")
          row("short-lived devices: CellHub", "devices-cellhub-q" q, q, "devices-")
          row("short-lived devices: CellHub, embedded broker", "devices-embedded-q" q, q, "devices-")
          row("cold start: CellHub, embedded broker", "cold-devices-embedded-q" q, q, "devices-")
        }
        row("fan-out: no SSE clients", "fanout-base", "")
        row(sprintf("fan-out: %s SSE clients (%s slow)", v["fanout", "sse_clients"], v["fanout", "slow_clients"]), "fanout", "")
        print ""
        print "CPU per 1,000 inputs (ms, user + system; 2 cores shared by broker, generator and processor; a JVM generator"
        print "counts its start-up, and in the fan-out run the SSE clients it hosts):"
        for (q = 0; q <= 1; q++) for (i = 1; i in sys; i++) cpu(short[sys[i]], sys[i] "-q" q, q)
        cpu("CellHub, journal on", "journal0-q0", 0)
        cpu("CellHub, journal on", "journal-q1", 1)
        for (q = 0; q <= 1; q++) {
          cpu("devices: C processor", "devices-c-q" q, q)
          cpu("devices: CellHub", "devices-cellhub-q" q, q)
          cpu("devices: CellHub, embedded", "devices-embedded-q" q, q)
        }
        cpu("CellHub, no SSE", "fanout-base", 0)
        cpu("CellHub, SSE clients", "fanout", 0)
        print ""
        if (seen["journal"]) printf "journal, QoS 1 (every input and every average read back committed before its PUBACK): %s rows/s sustained, %s rows, receipt-to-commit lag %s ms on average, longest in the last two minutes (the warm-up included) %s s\n", v["journal", "rows_per_s"], v["journal", "rows"], v["journal", "lag_mean_ms"], v["journal", "lag_max_s"]
        if (seen["journal0"]) printf "journal, QoS 0 (inputs as fast as they come; the writer sustains): %s rows/s, %s rows, receipt-to-commit lag %s ms on average, longest in the last two minutes (the warm-up included) %s s\n", v["journal0", "rows_per_s"], v["journal0", "rows"], v["journal0", "lag_mean_ms"], v["journal0", "lag_max_s"]
        for (q = 0; q <= 1; q++) {
          if (seen["rss-cellhub-q" q]) printf "CellHub QoS %d run (journal off): RSS at the end %.0f MB, peak %.0f MB (the default run command), ready %s s after start (external broker, embedded PostgreSQL); ingest held %s times\n", q, v["rss-cellhub-q" q, "rss_end_kb"] / 1024, v["rss-cellhub-q" q, "rss_kb"] / 1024, v["ready-cellhub-q" q, "ready_s"], v["holds-cellhub-q" q, "holds"]
          if (seen["rss-cellhubin-q" q]) printf "CellHub QoS %d on its inputs: RSS at the end %.0f MB, peak %.0f MB; messages its ingest received per input %s (on the default filter #, its own averages read back: %s)\n", q, v["rss-cellhubin-q" q, "rss_end_kb"] / 1024, v["rss-cellhubin-q" q, "rss_kb"] / 1024, v["received-cellhubin-q" q, "per_input"], v["received-cellhub-q" q, "per_input"]
          for (i = 1; i in sys; i++) if (seen["rss-" sys[i] "-q" q] && sys[i] !~ /^cellhub/) \
            printf "%s QoS %d: peak RSS %.1f MB\n", short[sys[i]], q, v["rss-" sys[i] "-q" q, "rss_kb"] / 1024
        }
        if (seen["rss-journal"]) printf "CellHub journal runs: RSS at the end %.0f MB (QoS 1) and %.0f MB (QoS 0), peak %.0f and %.0f MB, ready %s s and %s s after start; ingest held %s and %s times\n", v["rss-journal", "rss_end_kb"] / 1024, v["rss-journal0", "rss_end_kb"] / 1024, v["rss-journal", "rss_kb"] / 1024, v["rss-journal0", "rss_kb"] / 1024, v["ready-journal", "ready_s"], v["ready-journal0", "ready_s"], v["holds-journal", "holds"], v["holds-journal0", "holds"]
        for (q = 0; q <= 1; q++) if (seen["devices-embedded-q" q] || seen["devices-c-q" q] || seen["devices-onehop-q" q]) {
          printf "short-lived devices, QoS %d (each of the %d cells a device that connects, publishes its two temperatures, disconnects and connects again at once with the same id): connections/s one hop %s, C processor %s, CellHub %s, CellHub on its embedded broker %s (cold %s); one hop: %s of %s messages out of order on their topic", \
            q, cells, v["devices-onehop-q" q, "connections_per_s"], v["devices-c-q" q, "connections_per_s"], v["devices-cellhub-q" q, "connections_per_s"], \
            v["devices-embedded-q" q, "connections_per_s"], v["cold-devices-embedded-q" q, "connections_per_s"], v["devices-onehop-q" q, "reordered_topic"], v["devices-onehop-q" q, "n"]
          if (seen["rss-embedded-q" q]) printf "; CellHub with its embedded broker: RSS at the end %.0f MB, peak %.0f MB", v["rss-embedded-q" q, "rss_end_kb"] / 1024, v["rss-embedded-q" q, "rss_kb"] / 1024
          printf "\n"
        }
        if (seen["fanout"]) {
          printf "fan-out: %s SSE clients on # (%s never read): %s/%s/%s events per fast client (min/median/max), %s resyncs; CellHub dropped %s values for the slow clients (%s for the fast ones, %s in all)\n", \
            v["fanout", "sse_clients"], v["fanout", "slow_clients"], v["fanout", "events_per_client_min"], v["fanout", "events_per_client_median"], \
            v["fanout", "events_per_client_max"], v["fanout", "resyncs"], v["fanout", "sse_dropped_slow"], v["fanout", "sse_dropped_fast"], v["fanout", "sse_dropped"]
          printf "fan-out: CellHub wrote %s values into the connections of the slow clients in all (what their buffers took), %s resyncs for them\n", v["fanout", "sse_sent_slow"], v["fanout", "sse_resyncs_slow"]
          printf "fan-out: CellHub heap after a full GC %s MB without clients, %s MB with them, %s MB after they left (the new topics of the run stay); peak RSS %.0f MB\n", \
            v["fanout", "heap_after_gc_mb_before"], v["fanout", "heap_after_gc_mb_with_clients"], v["fanout", "heap_after_gc_mb_after_close"], v["rss-fanout", "rss_kb"] / 1024
          printf "fan-out: ingest %s msgs/s (lost %s) with the clients vs %s msgs/s (lost %s) without\n", \
            v["fanout", "msgs_per_s"], v["fanout", "lost"], v["fanout-base", "msgs_per_s"], v["fanout-base", "lost"]
          if (v["fanout", "sse_ended"] > 0) printf "note: fanout: CellHub ended %s of the stream connections during the run\n", v["fanout", "sse_ended"]
        }
        if (anylost) print "! messages lost: the rate counts every input over the time to the last average received, so it flatters"
        for (l in seen) if (v[l, "ending"] != "" && v[l, "ending"] != "complete") printf "note: %s stopped waiting (%s): not everything arrived\n", l, v[l, "ending"]
        for (l in seen) if (v[l, "device_failures"] > 0) printf "note: %s: %s device connections failed or were refused (each tried again)\n", l, v[l, "device_failures"]
        for (l in seen) if (v[l, "publish_failed"] > 0) printf "note: %s: the generator could not publish %s messages (counted neither as published nor as lost)\n", l, v[l, "publish_failed"]
        for (l in seen) if (v[l, "generator_connection"] == "lost-during-run" || v[l, "sink_connection"] == "lost-during-run") printf "note: %s: the broker closed the generator or sink connection during the run\n", l
      }' "$1"
    echo
    echo "msgs/s = inputs published / (last expected message received - first publish); lost/dup counted by the sink;"
    echo "latency = publish call to receipt at the sink (one process, one monotonic clock)."
    echo "steal % = the share of the machine's CPU time the hypervisor took during the scenario (/proc/stat):"
    echo "on a shared VM the p99 of every processor follows it; compare latencies at a like steal."
    if [ "$ROUNDS" -gt 1 ]; then
      echo "x 1-hop, x C, x Node-RED: ratio of the medians of the same QoS; each round's own ratios for CellHub below."
    else
      echo "x 1-hop, x C, x Node-RED: ratio to the same QoS in this run."
    fi
  }
}

# --- rounds: the whole run again and again, then the medians ------------------------------------
# Every round is a run of this script of its own (a fresh broker, fresh processors, the same order),
# so each system is measured once per round, interleaved with the others.
if [ "$ROUNDS" -gt 1 ]; then
  ROUNDS_WORK=$(mktemp -d "${TMPDIR:-/tmp}/cellhub-bench-rounds.XXXXXX")
  $KEEP && trap 'echo "# work directory kept: $ROUNDS_WORK" >&2' EXIT || trap 'rm -rf "$ROUNDS_WORK"' EXIT
  for ((r = 1; r <= ROUNDS; r++)); do
    echo "# round $r of $ROUNDS: bench/run.sh ${ROUND_ARGS[*]}" >&2
    BENCH_RESULTS_COPY=$ROUNDS_WORK/round-$r.txt bash "$ROOT/bench/run.sh" "${ROUND_ARGS[@]}" >&2 \
      || { echo "# round $r failed" >&2; exit 1; }
  done
  LOADGEN=""
  $C_GENERATOR && command -v gcc >/dev/null && [ -f /usr/include/mosquitto.h ] && LOADGEN=c
  # One RESULT line per label: the median of each number over the rounds; lost, dup and
  # publish_failed the largest; a word (such as ending) that is not the same in every round, the
  # first one that differs from the others.
  awk '
    /^RESULT/ {
      l = ""; for (i = 2; i <= NF; i++) if ($i ~ /^label=/) l = substr($i, 7)
      if (!(l in order)) { order[l] = ++labels; name[labels] = l }
      for (i = 2; i <= NF; i++) {
        k = substr($i, 1, index($i, "=") - 1); x = substr($i, index($i, "=") + 1)
        if (k == "label") continue
        if (!((l, k) in count)) { keys[l] = keys[l] " " k }
        vals[l, k, ++count[l, k]] = x
      }
    }
    function numeric(x) { return x ~ /^-?[0-9]+(\.[0-9]+)?$/ }
    function merged(l, k,   n, i, j, a, t, allint, word, m) {
      n = count[l, k]; allint = 1
      for (i = 1; i <= n; i++) {
        if (!numeric(vals[l, k, i])) {
          word = vals[l, k, 1]
          for (j = 1; j <= n; j++) if (vals[l, k, j] != word) return vals[l, k, j]
          return word
        }
        if (vals[l, k, i] !~ /^-?[0-9]+$/) allint = 0
        a[i] = vals[l, k, i] + 0
      }
      for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      if (k == "lost" || k == "dup" || k == "publish_failed" || k == "dropped") m = a[n]
      else m = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
      if (allint) return sprintf("%d", m + (m < 0 ? -0.5 : 0.5))
      m = sprintf("%.3f", m); sub(/0+$/, "", m); sub(/\.$/, "", m)
      return m
    }
    END {
      for (o = 1; o <= labels; o++) {
        l = name[o]; line = "RESULT label=" l; split(substr(keys[l], 2), ks, " ")
        for (i = 1; i in ks; i++) line = line " " ks[i] "=" merged(l, ks[i])
        print line
      }
    }' "$ROUNDS_WORK"/round-*.txt > "$ROUNDS_WORK/results.txt"
  {
    print_table "$ROUNDS_WORK/results.txt"
    echo
    echo "CellHub in each round (x C, x Node-RED: against the processors of the same round):"
    for ((r = 1; r <= ROUNDS; r++)); do
      awk -v r="$r" '
        /^RESULT/ { delete f; for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }; for (k in f) v[f["label"], k] = f[k] }
        function x(label, ref) { return v[ref, "msgs_per_s"] > 0 ? sprintf("%.2f", v[label, "msgs_per_s"] / v[ref, "msgs_per_s"]) : "-" }
        END {
          printf "  round %d: QoS 0 %s msgs/s (x C %s, x C on # %s, x Node-RED %s, lost %s), QoS 1 %s msgs/s (x C %s, x C on # %s, x Node-RED %s, lost %s);", r, \
            v["cellhub-q0", "msgs_per_s"], x("cellhub-q0", "c-q0"), x("cellhub-q0", "chash-q0"), x("cellhub-q0", "nodered-q0"), v["cellhub-q0", "lost"], \
            v["cellhub-q1", "msgs_per_s"], x("cellhub-q1", "c-q1"), x("cellhub-q1", "chash-q1"), x("cellhub-q1", "nodered-q1"), v["cellhub-q1", "lost"]
          printf " on its inputs: QoS 0 %s msgs/s (x C %s, x Node-RED %s, x paho %s, lost %s), QoS 1 %s msgs/s (x C %s, x Node-RED %s, x paho %s, lost %s);", \
            v["cellhubin-q0", "msgs_per_s"], x("cellhubin-q0", "c-q0"), x("cellhubin-q0", "nodered-q0"), x("cellhubin-q0", "paho-q0"), v["cellhubin-q0", "lost"], \
            v["cellhubin-q1", "msgs_per_s"], x("cellhubin-q1", "c-q1"), x("cellhubin-q1", "nodered-q1"), x("cellhubin-q1", "paho-q1"), v["cellhubin-q1", "lost"]
          printf " latency p99/max (steal) QoS 0 %s/%s ms (%s %%), QoS 1 %s/%s ms (%s %%), the C processor QoS 0 %s/%s ms (%s %%), QoS 1 %s/%s ms (%s %%);", \
            v["latency-cellhub-q0", "p99_ms"], v["latency-cellhub-q0", "max_ms"], v["latency-cellhub-q0", "steal_pct"], \
            v["latency-cellhub-q1", "p99_ms"], v["latency-cellhub-q1", "max_ms"], v["latency-cellhub-q1", "steal_pct"], \
            v["latency-c-q0", "p99_ms"], v["latency-c-q0", "max_ms"], v["latency-c-q0", "steal_pct"], \
            v["latency-c-q1", "p99_ms"], v["latency-c-q1", "max_ms"], v["latency-c-q1", "steal_pct"]
          printf " journal QoS 1 %s rows/s (lag %s ms on average), latency p99 with the journal QoS 0 %s ms, QoS 1 %s ms; peak RSS QoS 0/QoS 1/fan-out %.0f/%.0f/%.0f MB; ready %s s\n", \
            v["journal", "rows_per_s"], v["journal", "lag_mean_ms"], v["latency-journal-q0", "p99_ms"], v["latency-journal-q1", "p99_ms"], \
            v["rss-cellhub-q0", "rss_kb"] / 1024, \
            v["rss-cellhub-q1", "rss_kb"] / 1024, v["rss-fanout", "rss_kb"] / 1024, v["ready-cellhub-q1", "ready_s"]
        }' "$ROUNDS_WORK/round-$r.txt"
    done
  } | tee "$ROUNDS_WORK/table.txt"
  exit 0
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cellhub-bench.XXXXXX")
RESULTS=$WORK/results.txt
: > "$RESULTS"
C_AVG="" LOADGEN=""
if command -v gcc >/dev/null && [ -f /usr/include/mosquitto.h ]; then
  $WITH_C && gcc -O2 -o "$WORK/avg" bench/c/avg.c -lmosquitto && C_AVG=$WORK/avg
  $C_GENERATOR && gcc -O2 -o "$WORK/loadgen" bench/c/loadgen.c -lmosquitto -lpthread && LOADGEN=$WORK/loadgen
else
  echo "# no C reference and no C generator: needs gcc and libmosquitto-dev (apt-get install -y libmosquitto-dev)" >&2
fi
if $WITH_PAHO && ! /usr/bin/python3 -c 'import paho.mqtt.client' 2>/dev/null; then
  echo "# no paho reference: needs Debian's python3-paho-mqtt (apt-get install -y python3-paho-mqtt)" >&2
  WITH_PAHO=false
fi
if $WITH_NODERED && ! { command -v node >/dev/null && command -v npm >/dev/null; }; then
  echo "# no Node-RED reference: needs node and npm" >&2
  WITH_NODERED=false
fi

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if $KEEP; then echo "# work directory kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# --- the broker --------------------------------------------------------------------------------
MQTT_PORT=$(free_port)
mosquitto_conf "$MQTT_PORT" > "$WORK/mosquitto.conf"
# Started under a name of its own: scripts that clean up with `pkill -x mosquitto` (.ci/run does) must
# not take this broker down in the middle of a run on a shared machine.
ln -s "$MOSQUITTO" "$WORK/bench-mosquitto"
"$WORK/bench-mosquitto" -c "$WORK/mosquitto.conf" > "$WORK/mosquitto.log" 2>&1 &
MOSQ_PID=$!
PIDS+=("$MOSQ_PID")
wait_port "$MQTT_PORT" 10 || { echo "Mosquitto did not start" >&2; cat "$WORK/mosquitto.log" >&2; exit 1; }

TICK_MS=$((1000 / $(getconf CLK_TCK)))
PROC_PID="" # the processor under test (C or CellHub), when there is one
INPUTS_SENT=0 # inputs the generator published since the processor under test started
BASE=0
# The broker the generator talks to and whose CPU is counted: Mosquitto, unless a scenario sets
# BENCH_PORT and BENCH_BROKER_PID (CellHub's embedded broker: BENCH_BROKER_PID="", its CPU is CellHub's).
bench() { # label scenario qos n rate [more generator options]
  BASE=$((BASE + 1000))
  INPUTS_SENT=$((INPUTS_SENT + $4))
  local line broker0=0 proc0=0 port=${BENCH_PORT:-$MQTT_PORT} broker_pid=${BENCH_BROKER_PID-$MOSQ_PID}
  [ -n "$broker_pid" ] && broker0=$(cpu_ticks "$broker_pid")
  [ -n "$PROC_PID" ] && proc0=$(cpu_ticks "$PROC_PID")
  local host0
  read -r -a host0 <<< "$(host_ticks)"
  local generator=(java -Xms256m -Xmx1g -XX:+UseParallelGC -XX:TieredStopAtLevel=1 -cp "$BENCH_CP" io.cellhub.bench.Bench)
  # C1 only: each scenario is a fresh JVM of a few seconds, and with C2 its JIT compiler took 60 % of
  # the generator's CPU (async-profiler), which made the generator, not the broker, the one-hop ceiling.
  [ -n "$LOADGEN" ] && [ "$2" != fanout ] && generator=("$LOADGEN")
  line=$("${generator[@]}" \
    --port "$port" --label "$1" --scenario "$2" --qos "$3" --n "$4" --rate "$5" \
    --cells "$CELLS" --base "$BASE" --quiet "$QUIET" --timeout 55 "${@:6}" 2> "$WORK/bench-$1.err" | grep '^RESULT' || true)
  if [ -z "$line" ]; then
    echo "# $1: the generator printed no result" >&2; cat "$WORK/bench-$1.err" >&2
    line="RESULT label=$1 scenario=$2 qos=$3 n=$4 ending=failed"
  fi
  # CPU per 1,000 inputs, of the broker and of the processor: steadier than rates on a shared machine.
  [ -n "$broker_pid" ] && line="$line broker_cpu_ms_per_1k=$(( ($(cpu_ticks "$broker_pid") - broker0) * TICK_MS * 1000 / $4 ))"
  [ -n "$PROC_PID" ] && line="$line proc_cpu_ms_per_1k=$(( ($(cpu_ticks "$PROC_PID") - proc0) * TICK_MS * 1000 / $4 ))"
  line="$line steal_pct=$(steal_since "${host0[@]}")"
  echo "$line" | tee -a "$RESULTS" >&2
}

# --- 1. the one-hop ceiling: nothing but the broker between generator and sink ----------------
if $REFERENCES; then
  bench onehop-q0 onehop 0 "$N_Q0" 0
  bench onehop-q1 onehop 1 "$N_Q1" 0
  bench latency-onehop-q0 onehop 0 $((LAT_RATE * LAT_SECONDS)) "$LAT_RATE"
  bench latency-onehop-q1 onehop 1 $((LAT_RATE * LAT_SECONDS)) "$LAT_RATE"
  # The broker alone under short-lived devices; the sink counts messages that came out of order.
  if [ -n "$LOADGEN" ]; then
    bench devices-onehop-q0 onehop 0 "$N_DEV" 0 "${DEVICE_OPTIONS[@]}"
    bench devices-onehop-q1 onehop 1 "$N_DEV" 0 "${DEVICE_OPTIONS[@]}"
  fi
fi

# Every processor gets the same warm-up before it is measured: 15 s at a rate a fresh JVM takes while
# its JIT compiler is busy, then one run as fast as it goes. Without the second, C2 was still compiling
# during CellHub's measured QoS 1 run (46 % of its CPU, async-profiler), and the run measured start-up.
# The journal runs get the same (a paced-only warm-up left their measured run partly cold, which
# counted as the journal's cost).
warm_up() { # label qos
  [ "$WARMUP" -gt 0 ] || return 0
  local n=$N_Q0; [ "$2" = 1 ] && n=$N_Q1
  bench "warmup-$1" average "$2" "$WARMUP" $((WARMUP / 15))
  bench "warmup2-$1" average "$2" "$n" 0
}

# --- 2. the reference processors (two hops) ------------------------------------------------------
# Starts one (command ... with HOST PORT QOS appended by the caller), waits for its "ready" line (its
# subscriptions are in place), warms it up, measures throughput and latency and its peak RSS.
reference() { # name qos seconds-to-ready command...
  local name=$1 q=$2 wait=$3 pid n
  shift 3
  "$@" > "$WORK/$name-q$q.log" 2> "$WORK/$name-q$q.err" &
  pid=$!
  PIDS+=("$pid")
  for _ in $(seq $((wait * 10))); do
    grep -qx ready "$WORK/$name-q$q.log" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if ! grep -qx ready "$WORK/$name-q$q.log"; then
    echo "# $name did not become ready; its log:" >&2; tail -20 "$WORK/$name-q$q.err" >&2
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
    return 0
  fi
  PROC_PID=$pid
  n=$N_Q0; [ "$q" = 1 ] && n=$N_Q1
  bench "cold-$name-q$q" average "$q" "$n" 0
  warm_up "$name-q$q" "$q"
  bench "$name-q$q" average "$q" "$n" 0
  bench "latency-$name-q$q" average "$q" $((LAT_RATE * LAT_SECONDS)) "$LAT_RATE"
  [ "$name" = c ] && [ -n "$LOADGEN" ] && bench "devices-$name-q$q" average "$q" "$N_DEV" 0 "${DEVICE_OPTIONS[@]}"
  echo "RESULT label=rss-$name-q$q rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)" >> "$RESULTS"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  PROC_PID=""
}
for q in 0 1; do
  [ -n "$C_AVG" ] && reference c "$q" 5 "$C_AVG" 127.0.0.1 "$MQTT_PORT" "$q"
  # The same C processor on '#', as CellHub's default ingest: its own averages come back to it too.
  [ -n "$C_AVG" ] && reference chash "$q" 5 "$C_AVG" 127.0.0.1 "$MQTT_PORT" "$q" all
  $WITH_PAHO && reference paho "$q" 10 /usr/bin/python3 bench/references/avg_paho.py 127.0.0.1 "$MQTT_PORT" "$q"
  # The first start installs Node-RED from npm (npm ci): up to a few minutes.
  $WITH_NODERED && reference nodered "$q" 300 bench/references/nodered/start.sh 127.0.0.1 "$MQTT_PORT" "$q" "$WORK/nodered-q$q"
done

# --- 3. CellHub ---------------------------------------------------------------------------------
metric() { # name: the sum of a metric's samples
  curl -fsS "http://127.0.0.1:$HTTP_PORT/q/metrics" 2>/dev/null \
    | awk -v m="$1" '$1 == m || index($1, m "{") == 1 {s += $2} END {printf "%.6f\n", s}'
}
journal_rows() { metric cellhub_journal_rows_total | cut -d. -f1; }
# The journal row counter, sampled every 0.25 s in the background while a scenario runs.
journal_sampler() { # file
  while :; do echo "$(date +%s.%N) $(journal_rows)" >> "$1"; sleep 0.25; done
}
# Waits until the counter has not moved for 2 s (or 40 s), so one scenario's backlog does not count
# towards the next.
journal_settle() {
  local prev="" r still=0
  for _ in $(seq 160); do
    r=$(journal_rows)
    if [ "$r" = "$prev" ]; then still=$((still + 1)); [ $still -ge 8 ] && return 0; else still=0; fi
    prev=$r
    sleep 0.25
  done
}
# rows/s between the first and the last sample that grew; lag_mean_ms = the mean time from receipt to
# commit of a batch's oldest row over the run's batches (the change of CellHub's
# cellhub_journal_commit_lag_seconds sum over that of its count); lag_max = the longest such time
# Micrometer saw in the last two minutes, the warm-up's full-speed burst included.
journal_report() { # label samples-file lag-sum-before lag-count-before
  local sum count
  sum=$(metric cellhub_journal_commit_lag_seconds_sum) count=$(metric cellhub_journal_commit_lag_seconds_count)
  awk -v l="$1" -v lag="$(metric cellhub_journal_commit_lag_seconds_max)" -v mean="$(awk -v s0="$3" -v c0="$4" -v s="$sum" -v c="$count" 'BEGIN { printf "%.1f", (c > c0 ? (s - s0) * 1000 / (c - c0) : 0) }')" '
    NR == 1 { r0 = $2; prev = $2; prevt = $1; next }
    $2 != prev { if (a == "") { a = prevt; ra = prev } b = $1; rb = $2 }
    { prev = $2; prevt = $1 }
    END { if (a != "" && b > a) printf "RESULT label=%s rows=%d rows_per_s=%.0f lag_mean_ms=%s lag_max_s=%.3f\n", l, rb - r0, (rb - ra) / (b - a), mean, lag }' "$2" >> "$RESULTS"
}

DATA_DIR=$WORK/cellhub-data
# Starts CellHub against the broker: subscription and output QoS $2; the journal on or off ($3); its
# ingest filters INGEST_FILTER (CellHub's default '#' unless set). Each start has an ingest session of
# its own (client id cellhub-<label>): the broker runs for the whole round, and a session kept from the
# start before would keep that start's subscriptions, their QoS and filters, instead of this one's.
# With "embedded" as $4, CellHub runs its own broker on EMBEDDED_PORT (set here) instead of using Mosquitto,
# and the burst and warm-up are left to the caller.
start_cellhub() { # label qos journal [embedded]
  HTTP_PORT=$(free_port)
  INPUTS_SENT=0
  local broker_env=(CELLHUB_BROKER_EMBEDDED=false CELLHUB_MQTT_HOST=127.0.0.1 "CELLHUB_MQTT_PORT=$MQTT_PORT")
  CH_BROKER=mosquitto
  if [ "${4:-}" = embedded ]; then
    CH_BROKER=embedded
    EMBEDDED_PORT=$(free_port)
    broker_env=(CELLHUB_BROKER_EMBEDDED=true "CELLHUB_BROKER_PORT=$EMBEDDED_PORT")
  fi
  # The README's run command: the JVM options of jvm.options, unless CELLHUB_JVM_OPTIONS replaces them
  # ("" for the JVM's own defaults)
  local java_opts=()
  read -r -a java_opts <<< "${CELLHUB_JVM_OPTIONS-@$ROOT/jvm.options}"
  $JFR && java_opts+=("-XX:StartFlightRecording=filename=$WORK/cellhub-$1.jfr,settings=profile")
  # Extra JVM options for CellHub, e.g. a profiler agent: CELLHUB_JAVA_OPTS="-agentpath:...=start,file=%p.txt"
  read -r -a extra <<< "${CELLHUB_JAVA_OPTS:-}"
  java_opts+=("${extra[@]}")
  local started
  started=$(date +%s.%N)
  cellhub_env "$2" "$3" "${INGEST_FILTER:-#}" "cellhub-$1" "$HTTP_PORT" "$DATA_DIR"
  env "${broker_env[@]}" "${CELLHUB_ENV[@]}" java "${java_opts[@]}" -jar "$APP_JAR" > "$WORK/cellhub-$1.log" 2>&1 &
  CH_PID=$!
  PROC_PID=$CH_PID
  PIDS+=("$CH_PID")
  local ready=""
  for _ in $(seq 1200); do
    if curl -fsS "http://127.0.0.1:$HTTP_PORT/q/health/ready" >/dev/null 2>&1; then ready=$(date +%s.%N); break; fi
    kill -0 "$CH_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$ready" ]; then
    echo "CellHub did not become ready; its log:" >&2; tail -50 "$WORK/cellhub-$1.log" >&2; exit 1
  fi
  awk -v l="ready-$1" -v a="$started" -v b="$ready" 'BEGIN {printf "RESULT label=%s ready_s=%.1f\n", l, b - a}' >> "$RESULTS"
  [ "${4:-}" = embedded ] && return 0
  # A fleet does not wait for the JIT: the full-speed burst right after the start, before any warm-up.
  if [ "$1" != fanout ]; then
    local n=$N_Q0; [ "$2" = 1 ] && n=$N_Q1
    bench "cold-$1" average "$2" "$n" 0
    $3 && journal_settle
  fi
  warm_up "$1" "$2"
}
stop_cellhub() { # label
  local rss rss_end
  rss=$(awk '/VmHWM/ {print $2}' "/proc/$CH_PID/status" 2>/dev/null || echo 0)
  rss_end=$(awk '/VmRSS/ {print $2}' "/proc/$CH_PID/status" 2>/dev/null || echo 0)
  echo "RESULT label=rss-$1 rss_kb=$rss rss_end_kb=$rss_end" >> "$RESULTS"
  # How often CellHub stopped reading because its output or journal was behind (back-pressure, not loss)
  echo "RESULT label=holds-$1 holds=$(metric cellhub_ingest_holds_started_total | cut -d. -f1)" >> "$RESULTS"
  # What CellHub's ingest received per input published since its start (on '#' the averages it reads
  # back too; the generator's inputs are counted by bench() in INPUTS_SENT)
  awk -v l="$1" -v r="$(metric cellhub_messages_received_total)" -v n="$INPUTS_SENT" \
    'BEGIN { if (n > 0) printf "RESULT label=received-%s per_input=%.2f\n", l, r / n }' >> "$RESULTS"
  kill "$CH_PID"; wait "$CH_PID" 2>/dev/null || true
  PROC_PID=""
  # CellHub's ingest session is persistent (its default): left on the broker, it would take a copy of
  # every QoS 1 message of the rest of the round into its queue (max_queued_messages 0 sets no limit),
  # and every later run would pay for it (one such session: 93 against 78 ms of the broker's CPU per
  # 1,000 inputs and about 9,000 against 10,400 msgs/s at QoS 1 in a scratch run). A clean session with
  # the same client id ends it.
  if [ "$CH_BROKER" = mosquitto ] && ! mosquitto_sub -h 127.0.0.1 -p "$MQTT_PORT" -i "cellhub-$1" -t bench/session-end -E; then
    echo "# could not end CellHub's ingest session cellhub-$1 on the broker; later runs pay for its queue" >&2
  fi
}

# Throughput and latency: the same job as the references, so the journal is off (scenario 4 below
# measures it). The subscription QoS is fixed at start: one CellHub per QoS.
for q in 0 1; do
  start_cellhub "cellhub-q$q" "$q" false
  n=$N_Q0; [ "$q" = 1 ] && n=$N_Q1
  bench "cellhub-q$q" average "$q" "$n" 0
  bench "latency-cellhub-q$q" average "$q" $((LAT_RATE * LAT_SECONDS)) "$LAT_RATE"
  [ -n "$LOADGEN" ] && bench "devices-cellhub-q$q" average "$q" "$N_DEV" 0 "${DEVICE_OPTIONS[@]}"
  stop_cellhub "cellhub-q$q"
done
# The same with CellHub subscribed to the two inputs only, as the references are: the broker no longer
# sends it its own averages back (on '#' it does: a third message per input).
for q in 0 1; do
  INGEST_FILTER='+/temperature1,+/temperature2' start_cellhub "cellhubin-q$q" "$q" false
  n=$N_Q0; [ "$q" = 1 ] && n=$N_Q1
  bench "cellhubin-q$q" average "$q" "$n" 0
  bench "latency-cellhubin-q$q" average "$q" $((LAT_RATE * LAT_SECONDS)) "$LAT_RATE"
  stop_cellhub "cellhubin-q$q"
done

# --- 4. fan-out: browsers on the live stream ---------------------------------------------------
# The same fixed-rate job twice on one CellHub: without stream clients, then with SSE clients on '#'
# (some never read, so CellHub has to coalesce their values). The generator measures CellHub's heap
# after a full GC (jcmd) before the clients connect, before they leave and after.
start_cellhub fanout 0 false
fan_options=(--http-port "$HTTP_PORT" --sse-clients "$SSE_CLIENTS" --slow-clients "$SLOW_CLIENTS" --cellhub-pid "$CH_PID")
# A second warm-up, with the clients, so that the stream's code is compiled before the measured runs:
# without it C2 used 4.3 s of CPU during the fan-out run, on 2 cores.
[ "$WARMUP" -gt 0 ] && bench warmup-fanout-sse fanout 0 "$WARMUP" $((WARMUP / 15)) "${fan_options[@]}"
bench fanout-base average 0 $((FAN_RATE * FAN_SECONDS)) "$FAN_RATE"
bench fanout fanout 0 $((FAN_RATE * FAN_SECONDS)) "$FAN_RATE" "${fan_options[@]}"
stop_cellhub fanout

# --- 5. the journal -----------------------------------------------------------------------------
# QoS 1: every message committed to PostgreSQL before its PUBACK, so the broker's in-flight window
# paces the writer (the durable throughput). QoS 0: nothing waits for a commit, so the inputs arrive
# as fast as at QoS 0 without the journal and the rows/s are what the writer sustains.
journal_run() { # label qos n
  start_cellhub "$1" "$2" true
  journal_settle
  local lag_sum lag_count
  lag_sum=$(metric cellhub_journal_commit_lag_seconds_sum) lag_count=$(metric cellhub_journal_commit_lag_seconds_count)
  journal_sampler "$WORK/$1.txt" &
  SAMPLER=$!
  PIDS+=("$SAMPLER")
  bench "$1-q$2" average "$2" "$3" 0
  journal_settle
  kill "$SAMPLER"; wait "$SAMPLER" 2>/dev/null || true
  journal_report "$1" "$WORK/$1.txt" "$lag_sum" "$lag_count"
  # Latency at the paced rate with the journal writing beside the processors (after the lag was read).
  bench "latency-journal-q$2" average "$2" $((LAT_RATE * LAT_SECONDS)) "$LAT_RATE"
  stop_cellhub "$1"
}
journal_run journal 1 "$N_Q1"
journal_run journal0 0 "$N_Q0"

# --- 6. short-lived devices on CellHub's embedded broker -----------------------------------------
# The devices connect to CellHub itself, as on the README's run command: broker and processor in one
# process, so its CPU counts both. Right after the start (a fleet does not wait), then twice more; the
# last run is the one reported as warm.
if [ -n "$LOADGEN" ]; then
  for q in 0 1; do
    start_cellhub "embedded-q$q" "$q" false embedded
    BENCH_PORT=$EMBEDDED_PORT BENCH_BROKER_PID="" bench "cold-devices-embedded-q$q" average "$q" "$N_DEV" 0 "${DEVICE_OPTIONS[@]}"
    BENCH_PORT=$EMBEDDED_PORT BENCH_BROKER_PID="" bench "warmup-devices-embedded-q$q" average "$q" "$N_DEV" 0 "${DEVICE_OPTIONS[@]}"
    BENCH_PORT=$EMBEDDED_PORT BENCH_BROKER_PID="" bench "devices-embedded-q$q" average "$q" "$N_DEV" 0 "${DEVICE_OPTIONS[@]}"
    stop_cellhub "embedded-q$q"
  done
fi

print_table "$RESULTS" | tee "$WORK/table.txt"
[ -z "${BENCH_RESULTS_COPY:-}" ] || cp "$RESULTS" "$BENCH_RESULTS_COPY"
