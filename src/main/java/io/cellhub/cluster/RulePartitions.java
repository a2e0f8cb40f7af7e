package io.cellhub.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.Stores;
import org.jboss.logging.Logger;

import io.cellhub.rule.AverageProcessor;
import io.cellhub.rule.HandoffProcessor;

/**
 * The rules on Kafka partitions: a Kafka Streams application ({@code <prefix>-rules}) reading the
 * ingest topic, running {@link RuleTask} per partition and writing the outputs topic, with
 * {@code exactly_once_v2} (input offsets, state changes and outputs in one transaction, a zombie
 * fenced) and in-memory stores backed by changelog topics, kept warm on
 * {@code cellhub.cluster.kafka.standby-replicas} other replicas.
 */
final class RulePartitions {

    private static final Logger LOG = Logger.getLogger(RulePartitions.class);

    private final ClusterMode mode;
    private final AverageProcessor averages;
    private final HandoffProcessor chains;
    private final Path stateDir;
    private KafkaStreams streams;

    RulePartitions(ClusterMode mode, AverageProcessor averages, HandoffProcessor chains, Path stateDir) {
        this.mode = mode;
        this.averages = averages;
        this.chains = chains;
        this.stateDir = stateDir;
    }

    Topology topology() {
        Topology topology = new Topology();
        topology.addSource("ingest", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), mode.ingestTopic());
        topology.addProcessor("rules", () -> new RuleTask(averages, chains), "ingest");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(RuleTask.STORE), Serdes.String(),
                Serdes.ByteArray()), "rules");
        topology.addSink("outputs", mode.outputTopic(), Serdes.String().serializer(), Serdes.ByteArray().serializer(), "rules");
        return topology;
    }

    void start() {
        streams = new KafkaStreams(topology(), properties());
        streams.setStateListener((now, before) -> LOG.infof("Rule partitions: %s -> %s", before, now));
        streams.setUncaughtExceptionHandler(failure -> {
            LOG.errorf(failure, "A rule partition failed; its thread is replaced and the partition reprocessed from its "
                    + "last commit");
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
    }

    /**
     * Leaves the group at once (this replica is a static member, {@code group.instance.id} its replica
     * id), so the others take its partitions over without waiting for the session timeout.
     */
    void stop() {
        if (streams != null) {
            streams.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(10)));
        }
    }

    boolean running() {
        return streams != null && streams.state() == KafkaStreams.State.RUNNING;
    }

    String state() {
        return streams == null ? "NOT_STARTED" : streams.state().name();
    }

    /** The ingest partitions whose rules run here now. */
    Set<Integer> active() {
        return partitions(false);
    }

    /** The ingest partitions whose state this replica keeps warm for a takeover. */
    Set<Integer> standby() {
        return partitions(true);
    }

    private Set<Integer> partitions(boolean standby) {
        Set<Integer> owned = new TreeSet<>();
        if (streams == null) {
            return owned;
        }
        try {
            for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
                for (TaskMetadata task : standby ? thread.standbyTasks() : thread.activeTasks()) {
                    owned.add(task.taskId().partition());
                }
            }
        } catch (RuntimeException notRunning) {
            // between states: nothing to report
        }
        return owned;
    }

    private Properties properties() {
        ClusterConfig.Kafka kafka = mode.config().kafka();
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, mode.group("rules"));
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, mode.bootstrapServers());
        properties.put(StreamsConfig.CLIENT_ID_CONFIG, mode.clientId("rules"));
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        properties.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, kafka.standbyReplicas());
        properties.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        properties.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) kafka.replicationFactor());
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        properties.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), mode.replicaId());
        properties.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
                (int) kafka.sessionTimeout().toMillis());
        properties.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
                (int) kafka.heartbeatInterval().toMillis());
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
                (int) kafka.transactionTimeout().toMillis());
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        // A dead replica's tasks go to their standbys at once. A replica that joins gets a task only once its
        // warm-up copy has caught up completely (checked every minute): moved earlier, the task restores and warms
        // up a cold JVM while its cells wait (a 6 s pause measured when a fourth replica joined).
        properties.put(StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG, 0L);
        properties.put(StreamsConfig.PROBING_REBALANCE_INTERVAL_MS_CONFIG, 60_000L);
        return properties;
    }
}
