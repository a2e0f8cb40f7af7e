package io.cellhub.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Asks Kafka every two seconds who is in CellHub's groups, what each member owns and how far each
 * group is behind, and keeps the answer for {@code /api/status}, the dashboard and readiness.
 */
final class ClusterWatch {

    private static final Logger LOG = Logger.getLogger(ClusterWatch.class);
    private static final List<String> PARTS = List.of("rules", "egress", "journal", "ingest-owner");

    private final ClusterMode mode;
    private final Admin admin;
    private volatile Map<String, Map<String, List<Integer>>> owners = Map.of();
    private volatile Map<String, Long> lag = Map.of();
    private volatile Instant updatedAt;
    private volatile String problem;

    ClusterWatch(ClusterMode mode, Admin admin) {
        this.mode = mode;
        this.admin = admin;
    }

    /** Replica -> part -> partitions, as Kafka last said. */
    Map<String, Map<String, List<Integer>>> owners() {
        return owners;
    }

    Map<String, Long> lag() {
        return lag;
    }

    Instant updatedAt() {
        return updatedAt;
    }

    String problem() {
        return problem;
    }

    /** Whether Kafka answered in the last ten seconds. */
    boolean kafkaReachable() {
        Instant last = updatedAt;
        return last != null && last.isAfter(Instant.now().minusSeconds(10));
    }

    void refresh() {
        try {
            Map<String, String> groups = new HashMap<>();
            PARTS.forEach(part -> groups.put(mode.group(part), part));
            Map<String, ConsumerGroupDescription> described = admin.describeConsumerGroups(groups.keySet()).all().get(5,
                    TimeUnit.SECONDS);
            Map<String, Map<String, List<Integer>>> byReplica = new TreeMap<>();
            for (ConsumerGroupDescription group : described.values()) {
                String part = groups.get(group.groupId());
                for (MemberDescription member : group.members()) {
                    String replica = replicaOf(member.clientId(), part);
                    List<Integer> partitions = new ArrayList<>(new TreeSet<>(member.assignment().topicPartitions().stream()
                            .filter(tp -> !tp.topic().endsWith("-changelog")).map(TopicPartition::partition).toList()));
                    byReplica.computeIfAbsent(replica, r -> new TreeMap<>()).merge(part, partitions, (a, b) -> {
                        List<Integer> all = new ArrayList<>(new TreeSet<>(a));
                        all.addAll(b);
                        return List.copyOf(new TreeSet<>(all));
                    });
                }
            }
            owners = byReplica;
            lag = lags();
            updatedAt = Instant.now();
            problem = null;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            problem = "Kafka at " + mode.bootstrapServers() + " did not answer: " + e;
            LOG.debugf("Cluster watch: %s", problem);
        }
    }

    private Map<String, Long> lags() throws Exception {
        Map<String, Long> lags = new TreeMap<>();
        Map<String, String> topicOf = Map.of("rules", mode.ingestTopic(), "journal", mode.ingestTopic(), "egress",
                mode.outputTopic());
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (String topic : List.of(mode.ingestTopic(), mode.outputTopic())) {
            for (int p = 0; p < mode.config().kafka().partitions(); p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get(5,
                TimeUnit.SECONDS);
        for (Map.Entry<String, String> entry : topicOf.entrySet()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(mode.group(entry.getKey()))
                    .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
            long behind = 0;
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end : ends.entrySet()) {
                if (!end.getKey().topic().equals(entry.getValue())) {
                    continue;
                }
                OffsetAndMetadata at = committed.get(end.getKey());
                behind += Math.max(0, end.getValue().offset() - (at == null ? 0 : at.offset()));
            }
            lags.put(entry.getKey(), behind);
        }
        return lags;
    }

    /** The replica id in a client id {@code <prefix>-<replica>-<part>[-...]}. */
    String replicaOf(String clientId, String part) {
        String prefix = mode.config().kafka().topicPrefix() + "-";
        String body = clientId.startsWith(prefix) ? clientId.substring(prefix.length()) : clientId;
        int end = body.lastIndexOf("-" + part);
        return end > 0 ? body.substring(0, end) : body;
    }

    static List<Integer> sorted(Collection<Integer> partitions) {
        return List.copyOf(new TreeSet<>(partitions));
    }

    static final Duration PERIOD = Duration.ofSeconds(2);
}
