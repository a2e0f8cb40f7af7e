package io.cellhub.ingest;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "cellhub.ingest")
public interface IngestConfig {

    /** The MQTT topic filter CellHub subscribes to (QoS 1, persistent session). {@code $SYS} topics are always left out. */
    String filter();

    /** Client id of the ingest session; stable, so the broker keeps the session while CellHub is away. */
    String clientId();

    /** How long the retained scan waits after the last retained message before it considers the scan complete. */
    @WithDefault("300ms")
    Duration scanQuietPeriod();

    /** Upper bound for one retained scan. */
    @WithDefault("10s")
    Duration scanTimeout();
}
