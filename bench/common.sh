# Shared by bench/run.sh and bench/compare.sh (sourced, not run): the broker's settings and the small
# helpers both need.

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
