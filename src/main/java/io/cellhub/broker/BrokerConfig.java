package io.cellhub.broker;

import java.nio.file.Path;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "cellhub.broker")
public interface BrokerConfig {

    /**
     * Run the MQTT broker inside CellHub. With {@code false}, CellHub connects to the broker named by
     * {@code mp.messaging.connector.smallrye-mqtt.host/port/username/password}.
     */
    @WithDefault("true")
    boolean embedded();

    /** Interface the embedded broker listens on; {@code 0.0.0.0} for every interface. */
    @WithDefault("127.0.0.1")
    String host();

    /** Port the embedded broker listens on; CellHub's own channels follow it. */
    @WithDefault("1883")
    int port();

    /** Largest MQTT packet, in bytes, the embedded broker and CellHub's MQTT clients accept. */
    @WithDefault("1048576")
    int maxMessageSize();

    /**
     * Commands each of the embedded broker's session loops holds. A publish is routed to the loop of
     * every subscriber as a command; when a loop falls behind (a burst, a persistent session writing
     * its queue to disk) and its queue is full, Moquette drops the command: a QoS 0 message is lost for
     * that loop's subscribers, and a QoS 1 publisher waits for a PUBACK that never comes. Moquette's
     * default is 1024; the queues are allocated at start, 4 bytes per slot per loop.
     */
    @WithDefault("16384")
    int sessionQueueSize();

    /**
     * Bytes the embedded broker buffers for each client connection that is slower to read than its
     * messages arrive. While a connection's buffer is full, Moquette silently drops the QoS 0 messages
     * and the acknowledgements (PUBACK, PUBREC, PUBCOMP) it has to send there; QoS 1 and 2 messages
     * wait in the session's queue. Netty's default, and so Moquette's, is 64 KiB, which a 5,000 msg/s
     * burst fills within milliseconds of the subscriber pausing. A client that never reads holds at
     * most this much of the broker's memory.
     */
    @WithDefault("4194304")
    int writeBufferSize();

    /** Let clients connect without credentials to the embedded broker. */
    @WithDefault("true")
    boolean allowAnonymous();

    /**
     * Users of the embedded broker, one {@code <username>:<sha256 of the password, hex>} per line. CellHub's
     * own channels then log in with {@code mp.messaging.connector.smallrye-mqtt.username/password}.
     */
    Optional<Path> passwordFile();
}
