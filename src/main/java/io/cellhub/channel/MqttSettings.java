package io.cellhub.channel;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * The broker CellHub's own MQTT clients connect to ({@code cellhub.mqtt.*}): the ingest and output
 * channels, the retained scan and the demo fleet. With the embedded broker it defaults to that broker's
 * address. The keys of the SmallRye MQTT connector CellHub used before
 * ({@code mp.messaging.connector.smallrye-mqtt.host}, {@code port}, {@code username}, {@code password},
 * {@code ssl...}) are still read when the new ones are not set ({@link LegacyMqttKeys}).
 */
@ConfigMapping(prefix = "cellhub.mqtt")
public interface MqttSettings {

    /** The broker's host name or address. */
    @WithDefault("${cellhub.broker.host:127.0.0.1}")
    String host();

    /** The broker's port; by default the embedded broker's ({@code cellhub.broker.port}). */
    @WithDefault("${cellhub.broker.port:1883}")
    int port();

    Optional<String> username();

    Optional<String> password();

    /**
     * Which MQTT version CellHub speaks: {@code auto} tries MQTT 5 and falls back to 3.1.1 when the
     * broker refuses it (CONNACK 0x84 or 0x01, or a connection closed during CONNECT); {@code 5} or
     * {@code 3.1.1} to insist on one.
     */
    @WithDefault("auto")
    @WithConverter(MqttProtocol.FromConfig.class)
    MqttProtocol protocol();

    /** How long to wait between attempts when the broker cannot be reached. */
    @WithDefault("2s")
    Duration reconnectInterval();

    /** MQTT keep-alive of CellHub's connections. */
    @WithDefault("30s")
    Duration keepAlive();

    /**
     * Largest MQTT packet CellHub's clients take. Announced to MQTT 5 brokers as Maximum Packet Size,
     * so they drop anything larger on their side; payloads up to this size but over
     * {@code cellhub.ingest.max-payload-bytes} reach CellHub, which counts, acknowledges and drops them.
     * Over MQTT 3.1.1 nothing tells the broker: CellHub then takes packets of any size and drops the
     * oversized ones the same way, so no single message can stall ingest.
     */
    @WithDefault("16777216")
    int maxPacketSize();

    /**
     * Network threads all of CellHub's MQTT connections share. One keeps a message's whole path
     * (read, rules, the output's encoding and write, the PUBACK) on one thread, with no hand-off between
     * the ingest and the output connection: measured on 2 cores it costs a fifth less CPU per message
     * than a thread per connection ({@code docs/PERFORMANCE.md}). More help only when CellHub has
     * several busy connections (a large demo fleet) and cores to spare.
     */
    @WithDefault("1")
    int networkThreads();

    Tls ssl();

    /** TLS to the broker. */
    interface Tls {

        /** Connect with TLS. */
        @WithName("enabled")
        @WithDefault("false")
        boolean enabled();

        /** The CA certificates the broker's certificate is checked against; the JVM's default CAs without it. */
        Optional<Truststore> truststore();

        /**
         * {@code HTTPS} to check that the broker's certificate names the host CellHub connects to (the
         * default), {@code NONE} to skip that check (only for a broker whose certificate names another host).
         */
        @WithDefault("HTTPS")
        String hostnameVerificationAlgorithm();
    }

    /** A file of CA certificates. */
    interface Truststore {

        /** {@code pem} (without it), {@code jks} or {@code pkcs12}. */
        Optional<String> type();

        String location();

        Optional<String> password();
    }
}
