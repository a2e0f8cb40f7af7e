package io.cellhub.topic;

import java.time.Instant;
import java.util.Objects;

/**
 * One MQTT message as CellHub received it. {@code retained} is the flag the broker set: under MQTT
 * 3.1.1 it is true only for messages delivered because a subscription was just made.
 * {@code replayed} says whether CellHub takes the message as stored state the broker re-sent rather
 * than as a new event: processors update their state from replayed messages but never react to them.
 */
public record TopicMessage(String topic, Payload payload, int qos, boolean retained, Instant receivedAt,
        boolean replayed) {

    /** A message that is replayed exactly when the broker flagged it retained. */
    public TopicMessage(String topic, Payload payload, int qos, boolean retained, Instant receivedAt) {
        this(topic, payload, qos, retained, receivedAt, retained);
    }

    public TopicMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(receivedAt, "receivedAt");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2, was " + qos);
        }
    }

    public TopicMessage asRetained() {
        return retained ? this : new TopicMessage(topic, payload, qos, true, receivedAt, true);
    }
}
