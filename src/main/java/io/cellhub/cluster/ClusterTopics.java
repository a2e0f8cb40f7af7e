package io.cellhub.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

/**
 * Creates CellHub's topics when they do not exist yet, and checks the partition counts of those
 * that do: the number of partitions decides which partition a cell is in, so it must never change
 * under a running fleet.
 */
final class ClusterTopics {

    private static final Logger LOG = Logger.getLogger(ClusterTopics.class);

    private ClusterTopics() {
    }

    static void ensure(Admin admin, ClusterMode mode, int spaces) throws InterruptedException, ExecutionException, TimeoutException {
        ClusterConfig.Kafka kafka = mode.config().kafka();
        Map<String, Integer> wanted = Map.of(mode.ingestTopic(), kafka.partitions(), mode.outputTopic(), kafka.partitions(),
                mode.ingestOwnerTopic(), spaces);
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        List<NewTopic> missing = new ArrayList<>();
        wanted.forEach((topic, partitions) -> {
            if (!existing.contains(topic)) {
                missing.add(new NewTopic(topic, partitions, kafka.replicationFactor())
                        .configs(Map.of("min.insync.replicas", String.valueOf(Math.min(2, kafka.replicationFactor())))));
            }
        });
        if (!missing.isEmpty()) {
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                LOG.infof("Created the Kafka topics %s", missing.stream().map(NewTopic::name).toList());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        Map<String, TopicDescription> described = admin.describeTopics(wanted.keySet()).allTopicNames().get(30,
                TimeUnit.SECONDS);
        wanted.forEach((topic, partitions) -> {
            int actual = described.get(topic).partitions().size();
            if (actual != partitions) {
                throw new IllegalStateException("Kafka topic " + topic + " has " + actual + " partitions, CellHub is configured "
                        + "for " + partitions + " (" + (topic.equals(mode.ingestOwnerTopic()) ? "one per cellhub.cluster.ingest.spaces"
                                : "cellhub.cluster.kafka.partitions") + "). A cell's partition depends on that number: set it "
                        + "to " + actual + ", or move the fleet to new topics with another cellhub.cluster.kafka.topic-prefix.");
            }
        });
    }
}
