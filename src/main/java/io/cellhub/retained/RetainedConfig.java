package io.cellhub.retained;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "cellhub.retained")
public interface RetainedConfig {

    /** How often pending retained-mirror changes are written, coalesced per topic, in one transaction. */
    @WithDefault("200ms")
    Duration flushInterval();

    /**
     * How often CellHub rescans an external broker's retained messages for the mirror. (The embedded
     * broker reports each retained publish as it happens.)
     */
    @WithDefault("1m")
    Duration scanEvery();
}
