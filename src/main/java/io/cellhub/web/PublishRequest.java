package io.cellhub.web;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A publish asked for over HTTP. Give {@code payload} for text or {@code payloadBase64} for bytes, not both. */
public record PublishRequest(
        @Schema(required = true, example = "robotcell1/temperature1") String topic,
        @Schema(description = "UTF-8 text payload", example = "21.5") String payload,
        @Schema(description = "Binary payload, base64-encoded") String payloadBase64,
        @Schema(description = "0, 1 or 2", defaultValue = "0") Integer qos,
        @Schema(defaultValue = "false") Boolean retain,
        @Schema(description = "MQTT 5 Content Type; left out over MQTT 3.1.1", example = "text/plain") String contentType,
        @Schema(description = "MQTT 5 user properties: each name with its values, in order",
                example = "{\"line\": [\"7\"]}") Map<String, List<String>> userProperties,
        @Schema(description = "MQTT 5 Response Topic") String responseTopic,
        @Schema(description = "MQTT 5 Correlation Data, base64-encoded") String correlationData,
        @Schema(description = "MQTT 5 Payload Format Indicator: utf-8 or bytes") String payloadFormat,
        @Schema(description = "MQTT 5 Message Expiry Interval, in seconds") Long messageExpiry) {

    /** A request without MQTT 5 properties. */
    public PublishRequest(String topic, String payload, String payloadBase64, Integer qos, Boolean retain) {
        this(topic, payload, payloadBase64, qos, retain, null, null, null, null, null, null);
    }
}
