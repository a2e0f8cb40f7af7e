package io.cellhub.broker;

import java.time.Duration;

import org.apache.activemq.artemis.core.protocol.mqtt.MQTTInterceptor;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.jboss.logging.Logger;

import io.cellhub.topic.RateLimitedWarning;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;

/**
 * Closes the connection of a client that publishes a packet over {@code cellhub.broker.max-message-size}.
 * Artemis tells MQTT 5 clients the limit in its CONNACK and enforces it for them, but takes a PUBLISH of
 * any size (up to MQTT's 256 MiB) from an MQTT 3.1/3.1.1 client. The broker then never stores or
 * forwards such a message, as Mosquitto with {@code message_size_limit} does not.
 */
final class PacketSizeLimit implements MQTTInterceptor {

    private static final Logger LOG = Logger.getLogger(PacketSizeLimit.class);

    private final int maxBytes;
    private final RateLimitedWarning refused = new RateLimitedWarning(LOG, Duration.ofMinutes(1));

    PacketSizeLimit(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public boolean intercept(MqttMessage packet, RemotingConnection connection) {
        if (packet.fixedHeader().messageType() != MqttMessageType.PUBLISH || packet.fixedHeader().remainingLength() <= maxBytes) {
            return true;
        }
        int size = packet.fixedHeader().remainingLength();
        String client = connection.getClientID();
        refused.occurred(count -> String.format("Embedded MQTT broker closed %d connection(s) for a PUBLISH over "
                + "cellhub.broker.max-message-size=%d bytes since the last warning, the latest %d bytes from client '%s' "
                + "at %s. Raise cellhub.broker.max-message-size if such messages are expected, else fix the publisher.",
                count, maxBytes, size, client, connection.getRemoteAddress()));
        return false;
    }
}
