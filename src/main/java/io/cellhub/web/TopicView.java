package io.cellhub.web;

import io.cellhub.topic.PropertiesText;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;

import io.cellhub.topic.NumberReading;
import io.cellhub.topic.Payload;
import io.cellhub.topic.PayloadText;
import io.cellhub.topic.TopicSnapshot;

/** A topic's last message as the API shows it: {@code payload} for text, {@code payloadBase64} for binary. */
public record TopicView(String topic, String payload, String payloadBase64, Double number, int qos, boolean retained,
        Instant updatedAt, long count, @JsonUnwrapped PropertiesText properties) {

    public static TopicView of(TopicSnapshot snapshot, NumberReading reading) {
        Payload payload = snapshot.last().payload();
        return new TopicView(snapshot.topic(), PayloadText.text(payload), PayloadText.base64(payload),
                PayloadText.number(payload, reading), snapshot.last().qos(), snapshot.last().retained(),
                snapshot.last().receivedAt(), snapshot.count(), PropertiesText.of(snapshot.last().properties()));
    }
}
