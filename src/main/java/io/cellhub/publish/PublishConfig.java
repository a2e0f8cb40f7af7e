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

    /**
     * Messages handed to the output connection and not yet written (QoS 0) or acknowledged (QoS 1/2)
     * at which ingest stops reading from the broker until half of them are done: CellHub slows its
     * input down to its output instead of dropping what it computed.
     */
    @WithDefault("8192")
    int backlog();
}
