package io.cellhub.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Cluster mode ({@code cellhub.cluster.*}): several CellHub replicas share one fleet through Kafka.
 * It is on exactly when {@code cellhub.cluster.kafka.bootstrap-servers} is set
 * ({@code CELLHUB_CLUSTER_KAFKA_BOOTSTRAP_SERVERS}); without it CellHub is the single node it always was.
 * docs/SCALE-OUT.md explains every setting.
 */
@ConfigMapping(prefix = "cellhub.cluster")
public interface ClusterConfig {

    /**
     * This replica's name in the cluster: in its Kafka client ids, its MQTT output client id and
     * {@code /api/status}. Unique per replica; by default {@code <host name>-<process id>}.
     */
    Optional<String> replicaId();

    Kafka kafka();

    Ingest ingest();

    Egress egress();

    View view();

    /** The Kafka cluster and the topics CellHub keeps there. */
    interface Kafka {

        /** {@code host:port[,host:port...]} of the Kafka brokers. Setting it turns cluster mode on. */
        Optional<String> bootstrapServers();

        /**
         * Prefix of CellHub's topics ({@code <prefix>.ingest}, {@code .out}, {@code .ingest-owner}) and
         * consumer groups. Several fleets can share one Kafka with different prefixes.
         */
        @WithDefault("cellhub")
        String topicPrefix();

        /**
         * Partitions of the ingest and output topics: the unit of work the replicas share, so the most
         * replicas that can run rules at once. Fixed once the topics exist.
         */
        @WithDefault("12")
        int partitions();

        /** Replication factor of the topics CellHub creates: 1 for a single broker, 3 in production. */
        @WithDefault("1")
        short replicationFactor();

        /**
         * How long a replica may stay silent before Kafka hands its partitions to the others: the
         * largest part of a takeover. The brokers' {@code group.min.session.timeout.ms} must allow it.
         */
        @WithDefault("2s")
        Duration sessionTimeout();

        /** How often each replica tells Kafka it is alive; about a third of the session timeout or less. */
        @WithDefault("500ms")
        Duration heartbeatInterval();

        /**
         * How long Kafka keeps an open transaction of a replica that died: its records hold back every
         * reader until then. The brokers' {@code transaction.abort.timed.out.transaction.cleanup.interval.ms}
         * adds to it.
         */
        @WithDefault("2s")
        Duration transactionTimeout();

        /** Replicas that keep a warm copy of each rule partition's state, for a takeover without restore. */
        @WithDefault("1")
        int standbyReplicas();
    }

    /** Getting MQTT into Kafka: one owner per topic space at a time. */
    interface Ingest {

        /**
         * The topic spaces, one MQTT filter each, that are ingested separately: each has one persistent
         * session ({@code <cellhub.ingest.client-id>-<n>}) held by one replica at a time. One space
         * ({@code #}, the default {@code cellhub.ingest.filter}) suits a broker up to some ten thousand
         * messages a second; split by cell prefix beyond that. Each cell must be in exactly one space.
         */
        Optional<List<String>> spaces();

        /** MQTT messages one Kafka transaction of an ingest space holds at most. */
        @WithDefault("1000")
        int maxInFlight();

        /** Longest wait before a batch of received messages is written to Kafka. */
        @WithDefault("5ms")
        Duration linger();
    }

    /** Publishing the rules' outputs from Kafka to MQTT. */
    interface Egress {

        /**
         * Outputs published and not yet committed back to Kafka, at most, per replica. A replica that
         * dies leaves at most these to be published again by the one that takes over.
         */
        @WithDefault("500")
        int maxInFlight();

        /** How often the egress commits what the broker has acknowledged. */
        @WithDefault("100ms")
        Duration commitInterval();
    }

    /** The live view every replica keeps of the whole fleet. */
    interface View {

        /**
         * How far back a starting replica reads the ingest topic to fill its live state (retained values
         * come from the retained scan as on a single node).
         */
        @WithDefault("10s")
        Duration replay();
    }
}
