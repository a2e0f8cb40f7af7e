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

    /**
     * Largest payload, in bytes, CellHub takes in. Larger messages are counted
     * ({@code cellhub_messages_rejected_total{reason="ingest-payload-too-large"}}) and dropped; a QoS 1
     * one is still acknowledged, so the broker does not redeliver it, and the publisher stays connected.
     * Keep it well below {@code cellhub.broker.max-message-size}, which the broker and CellHub's MQTT
     * client enforce by closing the connection.
     */
    @WithDefault("262144")
    int maxPayloadBytes();

    /**
     * Longest topic, in UTF-8 bytes as MQTT counts them, CellHub takes in; messages on longer topics are
     * counted ({@code reason="topic-too-long"}) and dropped. MQTT itself allows 65,535.
     */
    @WithDefault("1024")
    int maxTopicLength();
}
