package io.cellhub.publish;

import io.cellhub.topic.Payload;

/** A message CellHub is asked to publish. Checked by {@link MqttPublisher} before it leaves. */
public record OutgoingMessage(String topic, Payload payload, int qos, boolean retain) {
}
