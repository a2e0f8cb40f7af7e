package io.cellhub.store;

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
}
