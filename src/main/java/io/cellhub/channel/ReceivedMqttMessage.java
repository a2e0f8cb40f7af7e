package io.cellhub.channel;

import java.util.Optional;
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
 * <p>
 * Its one metadata, the {@link ReceivingMqttMessageMetadata}, is handed out directly when asked for
 * by class, as CellHub's consumer and Quarkus' context interceptor do for every message; the
 * {@link Metadata} set, whose construction copies into a new map, is built only if someone wants it
 * whole.
 */
final class ReceivedMqttMessage implements Message<byte[]> {

    private final MqttPublishMessage mqtt;
    private final ReceivingMqttMessageMetadata received;
    private Metadata metadata;

    private ReceivedMqttMessage(MqttPublishMessage mqtt) {
        this.mqtt = mqtt;
        this.received = new ReceivingMqttMessageMetadata(io.vertx.mutiny.mqtt.messages.MqttPublishMessage.newInstance(mqtt));
    }

    static ReceivedMqttMessage of(MqttPublishMessage mqtt) {
        return new ReceivedMqttMessage(mqtt);
    }

    @Override
    public byte[] getPayload() {
        return mqtt.payload().getBytes();
    }

    @Override
    public Metadata getMetadata() {
        if (metadata == null) {
            metadata = Metadata.of(received);
        }
        return metadata;
    }

    @Override
    public <M> Optional<M> getMetadata(Class<? extends M> type) {
        return type.isInstance(received) ? Optional.of(type.cast(received)) : Optional.empty();
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
