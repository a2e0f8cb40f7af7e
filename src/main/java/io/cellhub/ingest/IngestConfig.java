package io.cellhub.ingest;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

@ConfigMapping(prefix = "cellhub.ingest")
public interface IngestConfig {

    /**
     * The MQTT topic filters CellHub subscribes to (QoS 1, persistent session), comma-separated; {@code #}
     * by default. {@code $SYS} topics are always left out. Filters that leave out the rules' outputs
     * (e.g. {@code +/temperature1,+/temperature2}) spare the broker sending CellHub its own outputs back.
     */
    @WithName("filter")
    List<String> filters();

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
     * Payloads up to {@code cellhub.mqtt.max-packet-size} reach CellHub this way; an MQTT 5 broker drops
     * larger packets itself.
     */
    @WithDefault("262144")
    int maxPayloadBytes();

    /**
     * Longest topic, in UTF-8 bytes as MQTT counts them, CellHub takes in; messages on longer topics are
     * counted ({@code reason="topic-too-long"}) and dropped. MQTT itself allows 65,535.
     */
    @WithDefault("1024")
    int maxTopicLength();

    /**
     * How long the broker keeps CellHub's ingest session, and the messages that arrive for it, while
     * CellHub is away (MQTT 5's Session Expiry Interval; an MQTT 3.1.1 session never expires).
     */
    @WithDefault("1d")
    Duration sessionExpiry();

    /**
     * QoS 1/2 messages the broker may send CellHub before it has acknowledged them (MQTT 5's Receive
     * Maximum, at most 65,535, MQTT's default). CellHub acknowledges a journaled message once its batch
     * is committed. A smaller value makes the broker hold the rest; but a broker that overshoots it
     * (Mosquitto before 2.0.13, as Debian 12 ships it, does when acknowledgements arrive while it
     * queues: its issue 2306) makes CellHub's client close the connection, as MQTT 5 requires.
     */
    @WithDefault("65535")
    int receiveMaximum();

    /**
     * Subscribe as a member of this shared subscription group ({@code $share/<group>/<filter>}), so that
     * several CellHub replicas each take a share of the messages instead of all of them. Off by default.
     */
    Optional<String> shareGroup();
}
