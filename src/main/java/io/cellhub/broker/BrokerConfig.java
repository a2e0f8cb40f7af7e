package io.cellhub.broker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The embedded MQTT broker ({@code cellhub.broker.*}). */
@ConfigMapping(prefix = "cellhub.broker")
public interface BrokerConfig {

    /**
     * Run the MQTT broker inside CellHub. With {@code false}, CellHub connects to the broker named by
     * {@code cellhub.mqtt.host/port/username/password}.
     */
    @WithDefault("true")
    boolean embedded();

    /** Interface the embedded broker listens on; {@code 0.0.0.0} for every interface. */
    @WithDefault("127.0.0.1")
    String host();

    /** Port the embedded broker listens on; CellHub's own channels follow it. */
    @WithDefault("1883")
    int port();

    /**
     * Largest MQTT packet, in bytes, the embedded broker and CellHub's MQTT clients accept. The broker
     * tells MQTT 5 clients in its CONNACK and disconnects a client that sends a larger PUBLISH.
     */
    @WithDefault("1048576")
    int maxMessageSize();

    /**
     * Memory, in bytes, the embedded broker gives to messages waiting for their subscribers, across
     * all of them. Beyond it, messages wait on disk ({@code <data-dir>/broker/paging}) instead of being
     * dropped, so a subscriber that stops reading costs disk, not memory.
     */
    @WithDefault("67108864")
    long maxMemory();

    /**
     * How long CellHub waits for the embedded broker to stop when CellHub stops. Beyond it CellHub stops
     * without waiting (the broker recovers its files at the next start, as after a crash).
     */
    @WithDefault("10s")
    Duration stopTimeout();

    /** Let clients connect without credentials to the embedded broker. */
    @WithDefault("true")
    boolean allowAnonymous();

    /**
     * Users of the embedded broker, one {@code <username>:<sha256 of the password, hex>} per line. CellHub's
     * own connections then log in with {@code cellhub.mqtt.username/password}.
     */
    Optional<Path> passwordFile();

    /**
     * Ignored since the embedded broker is Apache ActiveMQ Artemis: it was the size of Moquette's
     * per-loop command queues. Accepted, with a warning, for one release.
     */
    @Deprecated
    Optional<Integer> sessionQueueSize();

    /**
     * Ignored since the embedded broker is Apache ActiveMQ Artemis, whose subscribers' messages wait in
     * their queues (and on disk beyond {@code cellhub.broker.max-memory}) instead of a socket buffer.
     * Accepted, with a warning, for one release.
     */
    @Deprecated
    Optional<Integer> writeBufferSize();
}
