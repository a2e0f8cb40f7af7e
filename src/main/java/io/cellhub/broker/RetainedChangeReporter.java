package io.cellhub.broker;

import java.time.Instant;
import java.util.function.Consumer;

import org.apache.activemq.artemis.core.protocol.mqtt.MQTTInterceptor;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;

import io.cellhub.topic.Payload;
import io.cellhub.topic.RetainedChange;
import io.cellhub.topic.TopicName;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;

/**
 * Reports every retained publish the embedded broker takes, with its own RETAIN flag and QoS, which
 * subscribers of MQTT 3.1.1 never see on live traffic. An Artemis MQTT interceptor: it runs on the
 * publisher's connection, in the order that client sent its packets, just before the broker stores
 * the message. A zero-length payload clears the topic's retained message.
 */
final class RetainedChangeReporter implements MQTTInterceptor {

    private final Consumer<RetainedChange> changes;

    RetainedChangeReporter(Consumer<RetainedChange> changes) {
        this.changes = changes;
    }

    @Override
    public boolean intercept(MqttMessage packet, RemotingConnection connection) {
        if (packet.fixedHeader().messageType() == MqttMessageType.PUBLISH && packet.fixedHeader().isRetain()) {
            MqttPublishMessage publish = (MqttPublishMessage) packet;
            String topic = publish.variableHeader().topicName();
            if (topic != null && !topic.isEmpty() && !TopicName.isReserved(topic)) {
                changes.accept(new RetainedChange(topic, Payload.adopt(bytes(publish.payload())),
                        packet.fixedHeader().qosLevel().value(), Instant.now()));
            }
        }
        return true;
    }

    /** A copy of the payload, leaving the buffer as the broker will read it. */
    private static byte[] bytes(ByteBuf payload) {
        byte[] bytes = new byte[payload.readableBytes()];
        payload.getBytes(payload.readerIndex(), bytes);
        return bytes;
    }
}
