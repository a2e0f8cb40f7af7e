package io.cellhub.snapshot;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "cellhub.snapshot")
public interface SnapshotConfig {

    /** How often a snapshot is taken on schedule. */
    @WithDefault("5m")
    Duration every();

    /** How many snapshots are kept; older ones are deleted after each new one. */
    @WithDefault("288")
    int keep();

    /** Take a snapshot at graceful shutdown. */
    @WithDefault("true")
    boolean onShutdown();
}
