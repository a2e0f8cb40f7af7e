package io.cellhub.cluster;

import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.cellhub.rule.AverageProcessor;
import io.cellhub.rule.HandoffProcessor;

/**
 * The Kafka key of an MQTT topic: the cell it belongs to, so that every input of a cell lands in one
 * partition and one replica holds the cell's state. A cell is the topic's first {@code n} levels, n
 * being the smallest {@code cell-levels} of the average rules (1 by default), so each rule's cells
 * stay whole. A handoff chain's state topics are keyed by their chain group instead (chains sharing a
 * topic form one group), so a chain's steps and echoes meet in one partition.
 */
@Singleton
public class CellKeys {

    static final String CHAIN_PREFIX = "chain:";

    private final int levels;
    private final Map<String, String> chainGroups;

    @Inject
    public CellKeys(AverageProcessor averages, HandoffProcessor chains) {
        this(averages.cellLevels(), chains.chainGroupsByTopic());
    }

    CellKeys(int levels, Map<String, String> chainGroups) {
        this.levels = levels;
        this.chainGroups = Map.copyOf(chainGroups);
    }

    public String of(String topic) {
        String group = chainGroups.get(topic);
        if (group != null) {
            return CHAIN_PREFIX + group;
        }
        int end = -1;
        for (int level = 0; level < levels; level++) {
            end = topic.indexOf('/', end + 1);
            if (end < 0) {
                return topic;
            }
        }
        return topic.substring(0, end);
    }
}
