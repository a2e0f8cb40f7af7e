package io.cellhub.publish;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "cellhub.publish")
public interface PublishConfig {

    /** Largest payload CellHub publishes; larger ones are refused with 413. */
    @WithDefault("262144")
    int maxPayloadBytes();

    /** How long a publish may wait for the broker connection before it is refused with 503. */
    @WithDefault("10s")
    Duration timeout();
}
