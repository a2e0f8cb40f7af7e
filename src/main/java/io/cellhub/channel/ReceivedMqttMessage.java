package io.cellhub.channel;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.smallrye.reactive.messaging.mqtt.ReceivingMqttMessageMetadata;
import io.vertx.mqtt.messages.MqttPublishMessage;

/**
 * A message of an incoming channel. The payload is copied out of the client's buffer only when
 * asked for, so a consumer that refuses a message by its size never copies it. Acknowledging sends
 * the PUBACK of a QoS 1 message (PUBREC for QoS 2).
 */
record ReceivedMqttMessage(MqttPublishMessage mqtt, Metadata metadata) implements Message<byte[]> {

    static ReceivedMqttMessage of(MqttPublishMessage mqtt) {
        return new ReceivedMqttMessage(mqtt, Metadata.of(new ReceivingMqttMessageMetadata(
                io.vertx.mutiny.mqtt.messages.MqttPublishMessage.newInstance(mqtt))));
    }

    @Override
    public byte[] getPayload() {
        return mqtt.payload().getBytes();
    }

    @Override
    public Metadata getMetadata() {
        return metadata;
    }

    @Override
    public Function<Metadata, CompletionStage<Void>> getAckWithMetadata() {
        return ignored -> {
            if (mqtt.qosLevel() != MqttQoS.AT_MOST_ONCE) {
                mqtt.ack();
            }
            return CompletableFuture.completedFuture(null);
        };
    }
}
