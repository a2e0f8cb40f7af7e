package io.cellhub.topic;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The MQTT 5 properties of one message that CellHub keeps and shows: content type, payload format
 * (UTF-8 or bytes), user properties (name/value pairs, in order, names may repeat), response topic,
 * correlation data and message expiry. Messages of MQTT 3.1.1 have none ({@link #NONE}).
 *
 * @param payloadUtf8 the Payload Format Indicator: {@code true} when the publisher declared the payload
 *        UTF-8 text, {@code false} when it declared bytes, {@code null} when it said nothing
 * @param messageExpirySeconds the Message Expiry Interval the message was published with, or -1 for none
 */
public record MessageProperties(String contentType, Boolean payloadUtf8, List<UserProperty> userProperties,
        String responseTopic, byte[] correlationData, long messageExpirySeconds) {

    /** One user property. */
    public record UserProperty(String name, String value) {

        public UserProperty {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    public static final MessageProperties NONE = new MessageProperties(null, null, List.of(), null, null, -1);

    public MessageProperties {
        userProperties = userProperties == null ? List.of() : List.copyOf(userProperties);
        if (messageExpirySeconds < -1) {
            throw new IllegalArgumentException("messageExpirySeconds must be -1 (none) or more, was " + messageExpirySeconds);
        }
    }

    /** None, or the given ones when any is set. */
    public static MessageProperties of(String contentType, Boolean payloadUtf8, List<UserProperty> userProperties,
            String responseTopic, byte[] correlationData, long messageExpirySeconds) {
        if (contentType == null && payloadUtf8 == null && (userProperties == null || userProperties.isEmpty())
                && responseTopic == null && correlationData == null && messageExpirySeconds < 0) {
            return NONE;
        }
        return new MessageProperties(contentType, payloadUtf8, userProperties, responseTopic, correlationData,
                messageExpirySeconds);
    }

    public boolean isEmpty() {
        return this == NONE || equals(NONE);
    }

    /** The user properties by name, each name with its values in order, as the API shows them. */
    public Map<String, List<String>> userPropertyMap() {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (UserProperty property : userProperties) {
            map.computeIfAbsent(property.name(), name -> new ArrayList<>(1)).add(property.value());
        }
        return map;
    }

    /** The user properties of a name to list-of-values map, in its order. */
    public static List<UserProperty> userProperties(Map<String, List<String>> map) {
        List<UserProperty> list = new ArrayList<>();
        if (map != null) {
            map.forEach((name, values) -> values.forEach(value -> list.add(new UserProperty(name, value))));
        }
        return list;
    }

    public OptionalLong messageExpiry() {
        return messageExpirySeconds < 0 ? OptionalLong.empty() : OptionalLong.of(messageExpirySeconds);
    }

    /** The correlation data as base64, or null. */
    public String correlationDataBase64() {
        return correlationData == null ? null : Base64.getEncoder().encodeToString(correlationData);
    }

    /** Bytes these properties take, roughly as MQTT encodes them, for size limits. */
    public int encodedSize() {
        int size = 0;
        if (contentType != null) {
            size += 3 + contentType.getBytes(StandardCharsets.UTF_8).length;
        }
        if (payloadUtf8 != null) {
            size += 2;
        }
        for (UserProperty property : userProperties) {
            size += 5 + property.name().getBytes(StandardCharsets.UTF_8).length
                    + property.value().getBytes(StandardCharsets.UTF_8).length;
        }
        if (responseTopic != null) {
            size += 3 + responseTopic.getBytes(StandardCharsets.UTF_8).length;
        }
        if (correlationData != null) {
            size += 3 + correlationData.length;
        }
        if (messageExpirySeconds >= 0) {
            size += 5;
        }
        return size;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MessageProperties that && Objects.equals(contentType, that.contentType)
                && Objects.equals(payloadUtf8, that.payloadUtf8) && userProperties.equals(that.userProperties)
                && Objects.equals(responseTopic, that.responseTopic) && Arrays.equals(correlationData, that.correlationData)
                && messageExpirySeconds == that.messageExpirySeconds;
    }

    @Override
    public int hashCode() {
        return Objects.hash(contentType, payloadUtf8, userProperties, responseTopic, Arrays.hashCode(correlationData),
                messageExpirySeconds);
    }

    @Override
    public String toString() {
        return isEmpty() ? "MessageProperties[none]" : "MessageProperties[contentType=" + contentType + ", payloadUtf8="
                + payloadUtf8 + ", userProperties=" + userProperties + ", responseTopic=" + responseTopic
                + ", correlationData=" + correlationDataBase64() + ", messageExpirySeconds=" + messageExpirySeconds + "]";
    }
}
