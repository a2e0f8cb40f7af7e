package io.cellhub.topic;

import java.time.Instant;
import java.util.Objects;

/**
 * One MQTT message as CellHub received it. {@code retained} is the RETAIN flag of the delivery: under
 * MQTT 3.1.1 it is true only for messages delivered because a subscription was just made; under
 * MQTT 5 with Retain As Published, the flag the publisher set. {@code replayed} says whether CellHub
 * takes the message as stored state the broker re-sent rather than as a new event: processors update
 * their state from replayed messages but never react to them. {@code properties} are the message's
 * MQTT 5 properties ({@link MessageProperties#NONE} under MQTT 3.1.1).
 */
public record TopicMessage(String topic, Payload payload, int qos, boolean retained, Instant receivedAt,
        boolean replayed, MessageProperties properties) {

    /** A message that is replayed exactly when the broker flagged it retained, without MQTT 5 properties. */
    public TopicMessage(String topic, Payload payload, int qos, boolean retained, Instant receivedAt) {
        this(topic, payload, qos, retained, receivedAt, retained);
    }

    /** A message without MQTT 5 properties. */
    public TopicMessage(String topic, Payload payload, int qos, boolean retained, Instant receivedAt, boolean replayed) {
        this(topic, payload, qos, retained, receivedAt, replayed, MessageProperties.NONE);
    }

    public TopicMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(receivedAt, "receivedAt");
        properties = properties == null ? MessageProperties.NONE : properties;
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2, was " + qos);
        }
    }

    public TopicMessage asRetained() {
        return retained ? this : new TopicMessage(topic, payload, qos, true, receivedAt, true, properties);
    }
}
