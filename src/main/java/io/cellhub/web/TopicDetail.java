package io.cellhub.web;

import io.cellhub.topic.PropertiesText;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.List;

import io.cellhub.topic.NumberReading;
import io.cellhub.topic.Payload;
import io.cellhub.topic.PayloadText;
import io.cellhub.topic.TopicMessage;
import io.cellhub.topic.TopicSnapshot;

/** One topic with its recent history, oldest first. */
public record TopicDetail(String topic, String payload, String payloadBase64, Double number, int qos, boolean retained,
        Instant updatedAt, long count, @JsonUnwrapped PropertiesText properties, List<HistoryEntry> history) {

    public record HistoryEntry(String payload, String payloadBase64, Double number, int qos, boolean retained, Instant at,
            @JsonUnwrapped PropertiesText properties) {

        public static HistoryEntry of(TopicMessage message, NumberReading reading) {
            Payload payload = message.payload();
            return new HistoryEntry(PayloadText.text(payload), PayloadText.base64(payload), PayloadText.number(payload, reading),
                    message.qos(), message.retained(), message.receivedAt(), PropertiesText.of(message.properties()));
        }
    }

    static TopicDetail of(TopicSnapshot snapshot, List<TopicMessage> history, NumberReading reading) {
        TopicView view = TopicView.of(snapshot, reading);
        return new TopicDetail(view.topic(), view.payload(), view.payloadBase64(), view.number(), view.qos(),
                view.retained(), view.updatedAt(), view.count(), view.properties(), history.stream().map(m -> HistoryEntry.of(m, reading)).toList());
    }
}
