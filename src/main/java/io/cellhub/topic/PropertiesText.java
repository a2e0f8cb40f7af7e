package io.cellhub.topic;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * How a message's MQTT 5 properties are spelled in JSON, beside its payload in every view (topics,
 * history, journal, stream): each only when the message has it. {@code userProperties} maps each
 * name to its values in order; {@code correlationData} is base64; {@code payloadFormat} is
 * {@code "utf-8"} or {@code "bytes"}; {@code messageExpiry} is in seconds.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PropertiesText(String contentType, Map<String, List<String>> userProperties, String responseTopic,
        String correlationData, String payloadFormat, Long messageExpiry) {

    /** The JSON of a message's properties, or null (nothing to show) when it has none. */
    public static PropertiesText of(MessageProperties properties) {
        if (properties.isEmpty()) {
            return null;
        }
        return new PropertiesText(properties.contentType(),
                properties.userProperties().isEmpty() ? null : properties.userPropertyMap(), properties.responseTopic(),
                properties.correlationDataBase64(),
                properties.payloadUtf8() == null ? null : properties.payloadUtf8() ? "utf-8" : "bytes",
                properties.messageExpirySeconds() < 0 ? null : properties.messageExpirySeconds());
    }

    /** One line for a person: {@code text/plain · line=7 · reply to: a/b}. */
    public String summary() {
        java.util.StringJoiner line = new java.util.StringJoiner(" · ");
        if (contentType != null) {
            line.add(contentType);
        }
        if (payloadFormat != null) {
            line.add(payloadFormat);
        }
        if (userProperties != null) {
            userProperties.forEach((name, values) -> values.forEach(value -> line.add(name + "=" + value)));
        }
        if (responseTopic != null) {
            line.add("reply to: " + responseTopic);
        }
        if (correlationData != null) {
            line.add("correlation: " + correlationData);
        }
        if (messageExpiry != null) {
            line.add("expires in " + messageExpiry + " s");
        }
        return line.toString();
    }
}
