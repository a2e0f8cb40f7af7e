package io.cellhub.channel;

import java.util.Optional;

import com.hivemq.client.mqtt.MqttClient;

import io.netty.channel.Channel;

/**
 * Stops and restarts reading from a client's socket: CellHub's only use of the HiveMQ client's
 * internals, for a need its public API does not meet.
 * <p>
 * Why: CellHub must slow its input down to its output (issue 18: never drop what it computed). MQTT
 * has no flow control for QoS 0, and the client's reactive back-pressure is no substitute: without
 * demand it drops QoS 0 messages itself ({@code MqttIncomingPublishService}, "QoS 0 publish message
 * dropped") and holds QoS 1/2 only up to Receive Maximum. Not reading the socket is what every MQTT
 * client that falls behind does to a broker: TCP pushes back, and the broker holds or drops by its own
 * policy. Netty's {@code autoRead} does exactly that.
 * <p>
 * How: the connection configuration the public {@link MqttClient#getConfig()} returns while
 * connected is the client's {@code com.hivemq.client.internal.mqtt.MqttClientConnectionConfig}
 * (for MQTT 3.1.1 clients as well: their config view hands out the same object), whose
 * {@code getChannel()} is the Netty channel. {@code SocketReadsTest} fails when a new client version
 * changes that.
 * <p>
 * Reads stopped for longer than the keepalive also delay the broker's PINGRESP: the client then
 * closes the connection and reconnects (its session keeps what was unacknowledged).
 */
final class SocketReads {

    private SocketReads() {
    }

    /**
     * Sets whether the client reads from its socket.
     *
     * @return whether it was applied: {@code false} when the client is not connected (the caller
     *         applies it again on the next connection)
     */
    static boolean set(MqttClient client, boolean read) {
        return channel(client).map(channel -> {
            // Netty completes a read already requested: at most one more read's worth still arrives
            channel.config().setAutoRead(read);
            return true;
        }).orElse(false);
    }

    /** The Netty channel of the client's current connection. */
    static Optional<Channel> channel(MqttClient client) {
        return client.getConfig().getConnectionConfig()
                .filter(com.hivemq.client.internal.mqtt.MqttClientConnectionConfig.class::isInstance)
                .map(config -> ((com.hivemq.client.internal.mqtt.MqttClientConnectionConfig) config).getChannel());
    }
}
