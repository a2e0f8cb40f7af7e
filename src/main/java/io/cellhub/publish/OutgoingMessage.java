package io.cellhub.publish;

import io.cellhub.topic.MessageProperties;
import io.cellhub.topic.Payload;

/**
 * A message CellHub is asked to publish, with its MQTT 5 properties (left out when the broker speaks
 * MQTT 3.1.1). Checked by {@link MqttPublisher} before it leaves.
 */
public record OutgoingMessage(String topic, Payload payload, int qos, boolean retain, MessageProperties properties) {

    public OutgoingMessage {
        properties = properties == null ? MessageProperties.NONE : properties;
    }

    /** A message without MQTT 5 properties. */
    public OutgoingMessage(String topic, Payload payload, int qos, boolean retain) {
        this(topic, payload, qos, retain, MessageProperties.NONE);
    }
}
