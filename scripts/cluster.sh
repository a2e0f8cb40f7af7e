#!/usr/bin/env bash
# A local CellHub cluster on loopback, from what the build and Debian provide (docs/SCALE-OUT.md):
#   Mosquitto on 21883, a single-node KRaft Kafka on 29092 (the build's jars), PostgreSQL on 25432
#   (Debian's postgresql), and three CellHub replicas with HTTP on 28081, 28082, 28083.
#
#   scripts/cluster.sh up        start everything, wait until every replica is ready, print the PIDs
#   scripts/cluster.sh kill N    SIGKILL replica N (1-9)
#   scripts/cluster.sh start N   start replica N (again), wait until it is ready
#   scripts/cluster.sh stop N    stop replica N gracefully (SIGTERM)
#   scripts/cluster.sh status    what runs, and /api/status of each replica
#   scripts/cluster.sh owners    which replica owns which partitions
#   scripts/cluster.sh scenario [S] [C]  ClusterTakeoverIT's load for S seconds (default 60): C cells (300) x 10/s,
#                                chains line1..line4 triggered every 5 s; kill and start replicas meanwhile;
#                                then the figures (gaps, duplicates, longest pause, chains, journal rows)
#   scripts/cluster.sh down      stop everything
#
# Build first: ./mvnw package -DskipTests (it writes target/quarkus-app and target/kafka-broker.classpath).
# Everything goes under one scratch directory, $CELLHUB_CLUSTER_DIR (default /tmp/cellhub-cluster):
# logs, data, PIDs. 'down' leaves it for the logs; delete it for a fresh cluster.
# Log in to the dashboards as operator / cluster-operator (http://127.0.0.1:28081).
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=${CELLHUB_CLUSTER_DIR:-/tmp/cellhub-cluster}
MQTT_PORT=21883
KAFKA_PORT=29092
KAFKA_CONTROLLER_PORT=29093
PG_PORT=25432
HTTP_BASE=28080
REPLICAS=3
JAR=target/quarkus-app/quarkus-run.jar
KAFKA_CLASSPATH=target/kafka-broker.classpath
OPERATOR_PASSWORD=cluster-operator

die() { echo "cluster.sh: $*" >&2; exit 1; }
pidfile() { echo "$DIR/$1.pid"; }
running() { [ -f "$(pidfile "$1")" ] && kill -0 "$(cat "$(pidfile "$1")")" 2>/dev/null; }
wait_port() { # name port seconds
  for _ in $(seq 1 $(($3 * 10))); do
    (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && return 0
    sleep 0.1
  done
  die "$1 did not listen on port $2 within $3 s (log: $DIR/$1.log)"
}

start_mosquitto() {
  running mosquitto && return
  [ -x /usr/sbin/mosquitto ] || die "Mosquitto is missing: apt-get install mosquitto"
  mkdir -p "$DIR/mosquitto"
  cat > "$DIR/mosquitto/mosquitto.conf" <<EOF
listener $MQTT_PORT 127.0.0.1
allow_anonymous true
persistence true
persistence_location $DIR/mosquitto/
# CellHub's ingest session acknowledges after Kafka did: let enough be in flight.
max_inflight_messages 1000
max_queued_messages 1000000
EOF
  /usr/sbin/mosquitto -c "$DIR/mosquitto/mosquitto.conf" > "$DIR/mosquitto.log" 2>&1 &
  echo $! > "$(pidfile mosquitto)"
  wait_port mosquitto $MQTT_PORT 10
}

start_kafka() {
  running kafka && return
  [ -f "$KAFKA_CLASSPATH" ] || die "$KAFKA_CLASSPATH is missing: build first (./mvnw package -DskipTests)"
  local cp; cp=$(cat "$KAFKA_CLASSPATH")
  mkdir -p "$DIR/kafka"
  cat > "$DIR/kafka/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DIR/kafka/data
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=6
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Takeover in seconds (docs/SCALE-OUT.md): replicas may ask for short session timeouts, and an open
# transaction of a replica that died is aborted soon after cellhub.cluster.kafka.transaction-timeout.
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=1000
transaction.abort.timed.out.transaction.cleanup.interval.ms=500
EOF
  local java=(java -Xmx768m -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$cp")
  if [ ! -f "$DIR/kafka/data/meta.properties" ]; then
    "${java[@]}" kafka.tools.StorageTool format --standalone -t "$("${java[@]}" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)" \
      -c "$DIR/kafka/server.properties" > "$DIR/kafka-format.log" 2>&1 || die "formatting Kafka's storage failed: $DIR/kafka-format.log"
  fi
  "${java[@]}" kafka.Kafka "$DIR/kafka/server.properties" > "$DIR/kafka.log" 2>&1 &
  echo $! > "$(pidfile kafka)"
  wait_port kafka $KAFKA_PORT 60
}

start_postgres() {
  running postgres && return
  local bin; bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$bin" ] || die "PostgreSQL is missing: apt-get install postgresql"
  mkdir -p "$DIR/postgres"
  chown postgres "$DIR/postgres"
  chmod 700 "$DIR/postgres"
  if [ ! -f "$DIR/postgres/PG_VERSION" ]; then
    runuser -u postgres -- "$bin/initdb" -D "$DIR/postgres" -U cellhub --auth=trust > "$DIR/postgres-init.log" 2>&1 \
      || die "initdb failed: $DIR/postgres-init.log"
  fi
  runuser -u postgres -- "$bin/pg_ctl" -D "$DIR/postgres" -l "$DIR/postgres/server.log" -w -t 60 -o \
    "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$DIR/postgres -c max_connections=200" start \
    > /dev/null || die "PostgreSQL did not start (log: $DIR/postgres/server.log)"
  head -1 "$DIR/postgres/postmaster.pid" > "$(pidfile postgres)"
  wait_port postgres $PG_PORT 30
  for _ in $(seq 1 50); do
    runuser -u postgres -- "$bin/psql" -h 127.0.0.1 -p $PG_PORT -U cellhub -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = 'cellhub'" 2>/dev/null | grep -q 1 && return
    runuser -u postgres -- "$bin/createdb" -h 127.0.0.1 -p $PG_PORT -U cellhub cellhub 2>/dev/null && return
    sleep 0.2
  done
  die "could not create the database cellhub (log: $DIR/postgres/server.log)"
}

start_replica() { # N
  local n=$1 name="replica-$1" port=$((HTTP_BASE + $1))
  running "$name" && { echo "$name already runs (PID $(cat "$(pidfile "$name")"))"; return; }
  [ -f "$JAR" ] || die "$JAR is missing: build first (./mvnw package -DskipTests)"
  mkdir -p "$DIR/$name"
  env CELLHUB_CLUSTER_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT \
      CELLHUB_CLUSTER_REPLICA_ID="$name" \
      QUARKUS_HTTP_PORT=$port \
      CELLHUB_BROKER_EMBEDDED=false \
      CELLHUB_MQTT_HOST=127.0.0.1 \
      CELLHUB_MQTT_PORT=$MQTT_PORT \
      QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/cellhub" \
      QUARKUS_DATASOURCE_USERNAME=cellhub QUARKUS_DATASOURCE_PASSWORD=cellhub \
      CELLHUB_DATA_DIR="$DIR/$name" \
      CELLHUB_RULES_HANDOFF_LINE1_CHAIN=line1c1,line1c2,line1c3 CELLHUB_RULES_HANDOFF_LINE2_CHAIN=line2c1,line2c2,line2c3 \
      CELLHUB_RULES_HANDOFF_LINE3_CHAIN=line3c1,line3c2,line3c3 CELLHUB_RULES_HANDOFF_LINE4_CHAIN=line4c1,line4c2,line4c3 \
      java -Xmx512m -Dcellhub.security.users.operator.role=operator \
      -Dcellhub.security.users.operator.password=$OPERATOR_PASSWORD -jar "$JAR" >> "$DIR/$name.log" 2>&1 &
  echo $! > "$(pidfile "$name")"
}

await_ready() { # N
  local name="replica-$1" port=$((HTTP_BASE + $1))
  for _ in $(seq 1 900); do
    running "$name" || die "$name exited (log: $DIR/$name.log)"
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/q/health/ready")" = 200 ] && return
    sleep 0.2
  done
  die "$name was not ready within 3 minutes (log: $DIR/$name.log)"
}

stop_pid() { # name signal
  running "$1" || { rm -f "$(pidfile "$1")"; return; }
  local pid; pid=$(cat "$(pidfile "$1")")
  kill "-$2" "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$(pidfile "$1")"
}

pids() {
  for name in mosquitto kafka postgres $(for n in $(seq 1 9); do echo "replica-$n"; done); do
    running "$name" && printf '%-10s PID %-8s %s\n' "$name" "$(cat "$(pidfile "$name")")" \
      "$(case $name in mosquitto) echo "mqtt://127.0.0.1:$MQTT_PORT";; kafka) echo "127.0.0.1:$KAFKA_PORT";;
         postgres) echo "jdbc:postgresql://127.0.0.1:$PG_PORT/cellhub";;
         replica-*) echo "http://127.0.0.1:$((HTTP_BASE + ${name#replica-}))";; esac)"
  done
  return 0
}

replica_number() {
  [[ "${1:-}" =~ ^[1-9]$ ]] || die "name a replica by its number, 1 to 9"
  echo "$1"
}

case "${1:-}" in
  up)
    mkdir -p "$DIR"
    start_mosquitto
    start_kafka
    start_postgres
    for n in $(seq 1 $REPLICAS); do start_replica "$n"; done
    for n in $(seq 1 $REPLICAS); do await_ready "$n"; done
    echo "CellHub cluster up under $DIR (log in as operator / $OPERATOR_PASSWORD):"
    pids
    ;;
  kill)
    n=$(replica_number "${2:-}")
    running "replica-$n" || die "replica-$n does not run"
    pid=$(cat "$(pidfile "replica-$n")")
    kill -KILL "$pid"
    rm -f "$(pidfile "replica-$n")"
    echo "replica-$n (PID $pid) killed with SIGKILL"
    ;;
  start)
    n=$(replica_number "${2:-}")
    start_replica "$n"
    await_ready "$n"
    echo "replica-$n ready: PID $(cat "$(pidfile "replica-$n")"), http://127.0.0.1:$((HTTP_BASE + n))"
    ;;
  stop)
    n=$(replica_number "${2:-}")
    stop_pid "replica-$n" TERM
    echo "replica-$n stopped"
    ;;
  status)
    pids
    for n in $(seq 1 9); do
      running "replica-$n" && curl -s -u "operator:$OPERATOR_PASSWORD" "http://127.0.0.1:$((HTTP_BASE + n))/api/status" && echo
    done
    ;;
  owners)
    for n in $(seq 1 9); do
      running "replica-$n" || continue
      curl -s -u "operator:$OPERATOR_PASSWORD" "http://127.0.0.1:$((HTTP_BASE + n))/api/status" | python3 -c '
import json, sys
cluster = json.load(sys.stdin)["cluster"]
for r in cluster["replicas"]:
    owned = sum(len(r[part]) for part in ("rules", "egress", "journal", "ingestSpaces"))
    print(r["id"], owned, "rules", r["rules"], "egress", r["egress"], "journal", r["journal"], "ingest", r["ingestSpaces"])
print("lag", cluster["lag"])'
      break
    done
    ;;
  scenario)
    seconds=${2:-60}
    prefix="s$(date +%s)cell"
    java scripts/ClusterScenario.java 127.0.0.1 $MQTT_PORT "$seconds" "$prefix" "${3:-300}"
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    journal() {
      runuser -u postgres -- "$bin/psql" -h 127.0.0.1 -p $PG_PORT -U cellhub -d cellhub -tAc "SELECT count(*) || ' rows, ' \
        || count(DISTINCT (topic, payload)) || ' distinct' FROM journal WHERE topic LIKE '${prefix}%/temperature1'"
    }
    last=""
    for _ in $(seq 1 30); do # until the count stands still
      rows=$(journal)
      [ "$rows" = "$last" ] && break
      last=$rows
      sleep 2
    done
    echo "journal: $rows of the inputs above"
    ;;
  down)
    for n in $(seq 1 9); do stop_pid "replica-$n" TERM; done
    stop_pid kafka TERM
    if running postgres; then
      runuser -u postgres -- "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/pg_ctl" -D "$DIR/postgres" stop -m fast \
        > /dev/null || stop_pid postgres INT
      rm -f "$(pidfile postgres)"
    fi
    stop_pid mosquitto TERM
    echo "CellHub cluster down (logs and data stay in $DIR)"
    ;;
  *)
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
