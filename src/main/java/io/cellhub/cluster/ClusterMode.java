package io.cellhub.cluster;

import java.util.Properties;

import jakarta.inject.Singleton;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Whether CellHub runs as a cluster replica, its name, its topics, and the Kafka client settings
 * every part of cluster mode shares (fast failure detection, read-committed consumers).
 */
@Singleton
public class ClusterMode {

    private final ClusterConfig config;
    private final String replicaId;

    public ClusterMode(ClusterConfig config) {
        this.config = config;
        this.replicaId = config.replicaId().orElseGet(ClusterModeConfigSource::defaultReplicaId);
    }

    public boolean enabled() {
        return config.kafka().bootstrapServers().filter(servers -> !servers.isBlank()).isPresent();
    }

    public String replicaId() {
        return replicaId;
    }

    public ClusterConfig config() {
        return config;
    }

    public String bootstrapServers() {
        return config.kafka().bootstrapServers().orElseThrow(() -> new IllegalStateException(
                "Cluster mode needs cellhub.cluster.kafka.bootstrap-servers (CELLHUB_CLUSTER_KAFKA_BOOTSTRAP_SERVERS)"));
    }

    /** The topic MQTT messages go to, keyed by cell. */
    public String ingestTopic() {
        return config.kafka().topicPrefix() + ".ingest";
    }

    /** The topic the rules write their outputs to, for the egress. */
    public String outputTopic() {
        return config.kafka().topicPrefix() + ".out";
    }

    /** One partition per ingest space: whoever is assigned it owns that space; it also holds the ingest ledger. */
    public String ingestOwnerTopic() {
        return config.kafka().topicPrefix() + ".ingest-owner";
    }

    /** Consumer group (or Kafka Streams application id) of a part of cluster mode. */
    public String group(String part) {
        return config.kafka().topicPrefix() + "-" + part;
    }

    /** Client id of one of this replica's Kafka clients. */
    public String clientId(String part) {
        return config.kafka().topicPrefix() + "-" + replicaId + "-" + part;
    }

    public Properties common(String part) {
        Properties properties = new Properties();
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        properties.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId(part));
        properties.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        return properties;
    }

    /** A consumer in a group: read-committed, offsets committed by hand, fast failure detection. */
    public Properties groupConsumer(String part) {
        Properties properties = plainConsumer(part);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, group(part));
        properties.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, String.valueOf(config.kafka().sessionTimeout().toMillis()));
        properties.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
                String.valueOf(config.kafka().heartbeatInterval().toMillis()));
        properties.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
        return properties;
    }

    /** A consumer without a group (it assigns itself partitions), read-committed. */
    public Properties plainConsumer(String part) {
        Properties properties = common(part);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return properties;
    }

    /** An idempotent producer, acknowledged by all in-sync replicas. */
    public Properties producer(String part) {
        Properties properties = common(part);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return properties;
    }
}
