package io.cellhub.ingest;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.Config;

import io.smallrye.reactive.messaging.ClientCustomizer;
import io.smallrye.reactive.messaging.mqtt.session.MqttClientSessionOptions;

/**
 * Turns off the automatic PUBACK of the ingest channel's MQTT client. The SmallRye connector
 * acknowledges QoS 1 messages on receipt and its {@code Message.ack()} does nothing
 * (smallrye-reactive-messaging #2285); with this, {@link MqttIngest} sends each PUBACK itself once
 * the message is durable, so the broker keeps and redelivers whatever CellHub had not committed.
 */
@ApplicationScoped
public class ManualPubAck implements ClientCustomizer<MqttClientSessionOptions> {

    static final String CHANNEL = "mqtt-in";

    @Override
    public MqttClientSessionOptions customize(String channel, Config channelConfig, MqttClientSessionOptions options) {
        if (CHANNEL.equals(channel)) {
            options.setAutoAck(false);
        }
        return options;
    }
}
