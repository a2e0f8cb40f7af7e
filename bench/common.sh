# Shared by bench/run.sh, bench/compare.sh and bench/profile.sh (sourced, not run): the broker's settings, CellHub's
# settings and the small helpers they need.

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_port() { # port seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# The benchmark's Mosquitto: loopback only, no persistence, TCP_NODELAY on its own sockets (its default
# leaves Nagle on, about 4 ms in every two-hop QoS 1 latency), no queue limit, 1,000 in flight.
mosquitto_conf() { # port
  cat <<CONF
listener $1 127.0.0.1
allow_anonymous true
persistence false
set_tcp_nodelay true
max_queued_messages 0
max_inflight_messages 1000
log_type error
log_type warning
CONF
}

# CPU time (user + system, in clock ticks) a process has used so far; 0 when there is none.
cpu_ticks() { # pid
  awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0
}

# The machine's CPU time so far, in clock ticks: "steal total". Steal is the time the hypervisor ran
# something else while this VM had work: the share of it during a scenario says how much of the
# host's noise that scenario's figures carry (on the 2-core VMs here it went from 0 to 40 % within
# a minute, and with it the p99 at 2,000/s of every processor).
host_ticks() {
  awk '$1 == "cpu" { total = 0; for (i = 2; i <= NF; i++) total += $i; print $9, total; exit }' /proc/stat
}

# The share (in %) of the machine's CPU time the hypervisor stole since host_ticks printed "$1 $2".
steal_since() { # steal0 total0
  host_ticks | awk -v s0="$1" -v t0="$2" '{ printf "%.1f", ($2 > t0) ? 100 * ($1 - s0) / ($2 - t0) : 0 }'
}

# The settings of every CellHub start of bench/run.sh and bench/profile.sh, as env(1) arguments in
# CELLHUB_ENV (the broker's address is the caller's): the average job at one QoS with retain off, the
# journal on or off, no fleet, no security, an ingest filter and a client id of its own.
cellhub_env() { # qos journal ingest-filter client-id http-port data-dir
  CELLHUB_ENV=(CELLHUB_FLEET_ENABLED=false "CELLHUB_DATA_DIR=$6" CELLHUB_SECURITY_ENABLED=false
    "CELLHUB_JOURNAL_ENABLED=$2" "CELLHUB_INGEST_FILTER=$3" "CELLHUB_INGEST_CLIENT_ID=$4" "QUARKUS_HTTP_PORT=$5"
    "MP_MESSAGING_INCOMING_MQTT_IN_QOS=$1" "MP_MESSAGING_OUTGOING_MQTT_OUT_QOS=$1"
    CELLHUB_RULES_AVERAGE_TEMPERATURE_INPUTS=temperature1,temperature2
    CELLHUB_RULES_AVERAGE_TEMPERATURE_OUTPUT=avgtemperature
    "CELLHUB_RULES_AVERAGE_TEMPERATURE_QOS=$1" CELLHUB_RULES_AVERAGE_TEMPERATURE_RETAIN=false)
}
