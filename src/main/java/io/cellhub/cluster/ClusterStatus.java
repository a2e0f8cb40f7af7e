package io.cellhub.cluster;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What {@code /api/status} and the dashboard show of the cluster: this replica, every replica the
 * Kafka groups know with the partitions each owns, and how far each group is behind.
 *
 * @param lag per part ({@code rules}, {@code egress}, {@code journal}, {@code view}), records not yet
 *        processed
 */
public record ClusterStatus(boolean enabled, String replica, String bootstrapServers, String rulesState, boolean ready,
        List<Replica> replicas, Map<String, Long> lag, Instant updatedAt, String problem) {

    /** One replica and what it owns: ingest partitions of the rules, output partitions, journal partitions, ingest spaces. */
    public record Replica(String id, List<Integer> rules, List<Integer> standby, List<Integer> egress, List<Integer> journal,
            List<Integer> ingestSpaces) {
    }

    static ClusterStatus singleNode() {
        return new ClusterStatus(false, null, null, null, true, List.of(), Map.of(), null, null);
    }
}
