package io.cellhub.journal;

import java.time.Duration;
import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "cellhub.journal")
public interface JournalConfig {

    /** Record received messages in PostgreSQL. */
    @WithDefault("true")
    boolean enabled();

    /** MQTT filters of the topics to record. */
    @WithDefault("#")
    List<String> filters();

    /** How long rows are kept; whole hourly partitions older than this are dropped. */
    @WithDefault("24h")
    Duration retention();

    /** Most rows written in one transaction. */
    @WithDefault("1000")
    int batchSize();

    /**
     * QoS 0 messages waiting for the journal at which ingest stops reading from the broker until half
     * of them are written. (QoS 1/2 messages need no such bound: their PUBACK waits for the commit, so
     * the broker stops at CellHub's Receive Maximum.)
     */
    @WithDefault("20000")
    int backlog();
}
