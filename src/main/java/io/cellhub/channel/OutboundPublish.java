package io.cellhub.channel;

import io.cellhub.topic.MessageProperties;

/** A message for a {@link BrokerConnection} to publish; the MQTT 5 properties are left out over MQTT 3.1.1. */
public record OutboundPublish(String topic, byte[] payload, int qos, boolean retain, MessageProperties properties) {

    public OutboundPublish(String topic, byte[] payload, int qos, boolean retain) {
        this(topic, payload, qos, retain, MessageProperties.NONE);
    }
}
