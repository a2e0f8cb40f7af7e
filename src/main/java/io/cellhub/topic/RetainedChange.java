package io.cellhub.topic;

import java.time.Instant;

/**
 * CDI event: the broker now holds {@code payload} as the retained message of {@code topic}, or
 * none when the payload is empty (a zero-length retained publish clears it).
 */
public record RetainedChange(String topic, Payload payload, int qos, Instant at) {

    public boolean cleared() {
        return payload.isEmpty();
    }
}
