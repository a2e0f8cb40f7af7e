package io.cellhub.channel;

import java.util.Optional;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientConfig;

import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * The Netty channel under a HiveMQ client's connection: CellHub's only use of the client's internals,
 * for two needs its public API does not meet.
 * <p>
 * <b>Stopping reads.</b> CellHub must slow its input down to its output (issue 18: never drop what it
 * computed). MQTT has no flow control for QoS 0, and the client's reactive back-pressure is no
 * substitute: without demand it drops QoS 0 messages itself ({@code MqttIncomingPublishService},
 * "QoS 0 publish message dropped") and holds QoS 1/2 only up to Receive Maximum. Not reading the
 * socket is what every MQTT client that falls behind does to a broker: TCP pushes back, and the broker
 * holds or drops by its own policy. Netty's {@code autoRead} does exactly that. Reads stopped for
 * longer than the keepalive also delay the broker's PINGRESP: the client then closes the connection
 * and reconnects (its session keeps what was unacknowledged).
 * <p>
 * <b>Batching flushes.</b> The client writes and flushes every PUBACK on its own
 * ({@code MqttIncomingQosHandler.writePubAck}): one {@code write} system call per QoS 1 message
 * received. Netty's {@link FlushConsolidationHandler} at the head of the pipeline turns the flushes of
 * one read, or of one run of the event loop's tasks (the journal's acknowledgements arrive as one task
 * per message), into one.
 * <p>
 * How: the connection configuration the public {@link MqttClientConfig#getConnectionConfig()} returns
 * while connected is the client's {@code com.hivemq.client.internal.mqtt.MqttClientConnectionConfig}
 * (for MQTT 3.1.1 clients as well: their config view hands out the same object), whose
 * {@code getChannel()} is the Netty channel. {@code ClientChannelTest} fails when a new client version
 * changes that.
 */
final class ClientChannel {

    static final String FLUSHES = "cellhub-flush-consolidation";

    private ClientChannel() {
    }

    /**
     * Sets whether the client reads from its socket.
     *
     * @return whether it was applied: {@code false} when the client is not connected (the caller
     *         applies it again on the next connection)
     */
    static boolean setReading(MqttClient client, boolean read) {
        return of(client.getConfig()).map(channel -> {
            // Netty completes a read already requested: at most one more read's worth still arrives
            channel.config().setAutoRead(read);
            return true;
        }).orElse(false);
    }

    /**
     * Makes the current connection flush once per read or per run of tasks instead of once per packet.
     * Called from a connected listener, on the connection's network thread; every new connection
     * (a reconnect) needs it again.
     */
    static void batchFlushes(MqttClientConfig client) {
        of(client).ifPresent(channel -> {
            if (channel.pipeline().get(FLUSHES) == null) {
                channel.pipeline().addFirst(FLUSHES,
                        new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
            }
        });
    }

    /** The Netty channel of the client's current connection. */
    static Optional<Channel> of(MqttClientConfig client) {
        return client.getConnectionConfig()
                .filter(com.hivemq.client.internal.mqtt.MqttClientConnectionConfig.class::isInstance)
                .map(config -> ((com.hivemq.client.internal.mqtt.MqttClientConnectionConfig) config).getChannel());
    }
}
