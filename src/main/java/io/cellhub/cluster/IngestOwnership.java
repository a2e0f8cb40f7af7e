package io.cellhub.cluster;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import io.cellhub.channel.MqttSettings;
import io.cellhub.ingest.IngestConfig;
import io.cellhub.ingest.IngestLimits;
import io.cellhub.ingest.PubAcks;
import io.cellhub.topic.TrafficMetrics;

/**
 * Who ingests which topic space: the replicas form the consumer group {@code <prefix>-ingest-owner}
 * on the owner topic, one partition per space, and Kafka gives each partition to one replica at a
 * time. Owning a partition means running that space's {@link IngestSession}; when the owner dies, the
 * group hands the partition to another replica within the session timeout.
 * <p>
 * Why not an MQTT shared subscription ({@code $share/...}): a broker spreads those per message
 * (Mosquitto round-robin), so a cell's messages would reach Kafka through several replicas and lose
 * their order, and what a killed subscriber had in flight is lost (clean session) or stranded with
 * its session (persistent). docs/SCALE-OUT.md has the details.
 */
final class IngestOwnership {

    private static final Logger LOG = Logger.getLogger(IngestOwnership.class);

    private final ClusterMode mode;
    private final List<String> spaces;
    private final CellKeys keys;
    private final MqttSettings broker;
    private final IngestConfig ingest;
    private final IngestLimits limits;
    private final ClusterMetrics clusterMetrics;
    private final RetainedInputs retainedInputs;
    private final PubAcks pubAcks;
    private final Map<Integer, IngestSession> sessions = new ConcurrentHashMap<>();
    private volatile boolean running;
    private KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    IngestOwnership(ClusterMode mode, List<String> spaces, CellKeys keys, MqttSettings broker,
            IngestConfig ingest, TrafficMetrics metrics, ClusterMetrics clusterMetrics, RetainedInputs retainedInputs,
            PubAcks pubAcks) {
        this.mode = mode;
        this.spaces = spaces;
        this.keys = keys;
        this.broker = broker;
        this.ingest = ingest;
        this.limits = new IngestLimits(ingest, broker.maxPacketSize(), metrics);
        this.clusterMetrics = clusterMetrics;
        this.retainedInputs = retainedInputs;
        this.pubAcks = pubAcks;
    }

    void start() {
        running = true;
        consumer = new KafkaConsumer<>(mode.groupConsumer("ingest-owner"));
        thread = ConsumerThread.start("cellhub-ingest-ownership", this::run);
    }

    /** The spaces this replica ingests now. */
    Set<Integer> owned() {
        return new TreeSet<>(sessions.keySet());
    }

    void stop() {
        running = false;
        ConsumerThread.stop(consumer, thread, 15_000);
    }

    private void run() {
        try {
            consumer.subscribe(List.of(mode.ingestOwnerTopic()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    partitions.forEach(partition -> own(partition.partition()));
                }

                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    partitions.forEach(partition -> release(partition.partition(), "handed over"));
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    partitions.forEach(partition -> release(partition.partition(), "lost (this replica missed its heartbeats)"));
                }
            });
            while (running) {
                consumer.poll(Duration.ofMillis(200)); // the ledger records are read by each session itself
            }
        } catch (WakeupException stopping) {
            // stop() woke the poll
        } catch (RuntimeException e) {
            LOG.errorf(e, "Ingest ownership failed; this replica ingests nothing until it restarts");
        } finally {
            sessions.keySet().forEach(space -> release(space, "stopping"));
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void own(int space) {
        if (space >= spaces.size()) {
            LOG.errorf("Owner topic partition %d has no ingest space: cellhub.cluster.ingest.spaces lists %d. Every replica "
                    + "needs the same spaces.", space, spaces.size());
            return;
        }
        IngestSession session = new IngestSession(space, spaces.get(space), mode, keys, broker, ingest, limits,
                clusterMetrics, retainedInputs, pubAcks);
        IngestSession previous = sessions.put(space, session);
        if (previous != null) {
            previous.stop(Duration.ofSeconds(5));
        }
        session.start();
    }

    private void release(int space, String why) {
        IngestSession session = sessions.remove(space);
        if (session != null) {
            LOG.infof("Ingest space %d ('%s') %s", space, session.filter(), why);
            session.stop(Duration.ofSeconds(5));
        }
    }
}
