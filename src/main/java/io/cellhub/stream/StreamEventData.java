package io.cellhub.stream;

import io.cellhub.topic.PropertiesText;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The data of a stream event: {@code payload} for text, {@code payloadBase64} for binary,
 * {@code number} when the payload reads as one, {@code ts} in epoch milliseconds, and {@code count},
 * the topic's message count so far. Encoded by TopicStream's own ObjectMapper call, which Quarkus does
 * not see, hence registered for reflection for the native image.
 */
@RegisterForReflection
public record StreamEventData(String topic, String payload, String payloadBase64, Double number, int qos,
        boolean retained, long ts, long count, @JsonUnwrapped PropertiesText properties) {
}
