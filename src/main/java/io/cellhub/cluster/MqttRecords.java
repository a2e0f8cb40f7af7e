package io.cellhub.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import io.cellhub.publish.OutgoingMessage;
import io.cellhub.rule.HandoffProcessor;
import io.cellhub.topic.MessageProperties;
import io.cellhub.topic.Payload;
import io.cellhub.topic.TopicMessage;

/**
 * MQTT messages as Kafka records: the payload is the record's value, the key is the cell, and the
 * rest travels in headers, so any Kafka tool can read them. Headers: {@code mqtt.topic} (UTF-8),
 * {@code mqtt.qos} and {@code mqtt.retain} (one byte), {@code cellhub.replayed} (one byte),
 * {@code cellhub.received-at} (epoch microseconds, 8 bytes); the MQTT 5 properties, when there are any,
 * as {@code mqtt.content-type}, {@code mqtt.payload-format} (one byte, 1 for UTF-8),
 * {@code mqtt.response-topic}, {@code mqtt.correlation-data}, {@code mqtt.message-expiry} (8 bytes)
 * and one {@code mqtt.user.<name>} per user property, in order.
 * <p>
 * Control records, which only the rule partitions read, carry {@code cellhub.control}.
 */
public final class MqttRecords {

    static final String TOPIC = "mqtt.topic";
    static final String QOS = "mqtt.qos";
    static final String RETAIN = "mqtt.retain";
    static final String REPLAYED = "cellhub.replayed";
    static final String RECEIVED_AT = "cellhub.received-at";
    static final String CONTENT_TYPE = "mqtt.content-type";
    static final String PAYLOAD_FORMAT = "mqtt.payload-format";
    static final String RESPONSE_TOPIC = "mqtt.response-topic";
    static final String CORRELATION_DATA = "mqtt.correlation-data";
    static final String MESSAGE_EXPIRY = "mqtt.message-expiry";
    static final String USER_PREFIX = "mqtt.user.";
    /** The rule that wrote an output. */
    static final String RULE = "cellhub.rule";
    /** Names a chain's output: published with it (a user property) and announced when the egress publishes it again. */
    static final String ECHO_ID = "cellhub.echo-id";
    /** Marks a control record: {@link #CHAIN_START}, {@link #REPUBLISHED} or {@link #RETAINED_VALUE}. */
    static final String CONTROL = "cellhub.control";
    static final String CHAIN = "cellhub.chain";
    static final String CHAIN_START = "chain-start";
    static final String REPUBLISHED = "republished";
    static final String RETAINED_VALUE = "retained-value";

    private MqttRecords() {
    }

    /** The headers of a received message. */
    public static Headers headers(TopicMessage message) {
        Headers headers = new KafkaHeaders();
        headers.add(TOPIC, utf8(message.topic()));
        headers.add(QOS, new byte[] { (byte) message.qos() });
        headers.add(RETAIN, flag(message.retained()));
        headers.add(REPLAYED, flag(message.replayed()));
        headers.add(RECEIVED_AT, longBytes(micros(message.receivedAt())));
        MessageProperties properties = message.properties();
        if (!properties.isEmpty()) {
            if (properties.contentType() != null) {
                headers.add(CONTENT_TYPE, utf8(properties.contentType()));
            }
            if (properties.payloadUtf8() != null) {
                headers.add(PAYLOAD_FORMAT, flag(properties.payloadUtf8()));
            }
            if (properties.responseTopic() != null) {
                headers.add(RESPONSE_TOPIC, utf8(properties.responseTopic()));
            }
            if (properties.correlationData() != null) {
                headers.add(CORRELATION_DATA, properties.correlationData().clone());
            }
            if (properties.messageExpirySeconds() >= 0) {
                headers.add(MESSAGE_EXPIRY, longBytes(properties.messageExpirySeconds()));
            }
            for (MessageProperties.UserProperty user : properties.userProperties()) {
                headers.add(USER_PREFIX + user.name(), utf8(user.value()));
            }
        }
        return headers;
    }

    /** The received message a record carries; null for a control record or one without an MQTT topic. */
    public static TopicMessage message(Headers headers, byte[] value, long timestamp) {
        if (headers.lastHeader(CONTROL) != null) {
            return null;
        }
        String topic = text(headers, TOPIC);
        if (topic == null) {
            return null;
        }
        int qos = byteOf(headers, QOS, 0);
        boolean retained = byteOf(headers, RETAIN, 0) == 1;
        boolean replayed = byteOf(headers, REPLAYED, retained ? 1 : 0) == 1;
        Header at = headers.lastHeader(RECEIVED_AT);
        Instant receivedAt = at == null ? Instant.ofEpochMilli(timestamp) : instantOfMicros(ByteBuffer.wrap(at.value()).getLong());
        return new TopicMessage(topic, Payload.adopt(value == null ? new byte[0] : value), qos, retained, receivedAt, replayed,
                properties(headers));
    }

    /** The headers of a rule's output. */
    public static Headers headers(OutgoingMessage message, String rule, String echoId) {
        Headers headers = new KafkaHeaders();
        headers.add(TOPIC, utf8(message.topic()));
        headers.add(QOS, new byte[] { (byte) message.qos() });
        headers.add(RETAIN, flag(message.retain()));
        headers.add(RULE, utf8(rule));
        if (echoId != null) {
            headers.add(ECHO_ID, utf8(echoId));
        }
        return headers;
    }

    /**
     * The output a record of the output topic carries; null when it has no MQTT topic. A chain's output
     * carries its echo id as the user property {@link HandoffProcessor#ECHO_ID_PROPERTY}, so that its echo
     * (and the echo of a second publish of it after an egress takeover) names the output it echoes.
     */
    public static OutgoingMessage output(Headers headers, byte[] value) {
        String topic = text(headers, TOPIC);
        if (topic == null) {
            return null;
        }
        String echoId = text(headers, ECHO_ID);
        MessageProperties properties = echoId == null ? MessageProperties.NONE
                : MessageProperties.of(null, null, List.of(new MessageProperties.UserProperty(HandoffProcessor.ECHO_ID_PROPERTY,
                        echoId)), null, null, -1);
        return new OutgoingMessage(topic, Payload.adopt(value == null ? new byte[0] : value), byteOf(headers, QOS, 1),
                byteOf(headers, RETAIN, 0) == 1, properties);
    }

    static boolean isControl(Headers headers) {
        return headers.lastHeader(CONTROL) != null;
    }

    static String text(Headers headers, String key) {
        Header header = headers.lastHeader(key);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static MessageProperties properties(Headers headers) {
        String contentType = null;
        Boolean utf8 = null;
        String responseTopic = null;
        byte[] correlation = null;
        long expiry = -1;
        List<MessageProperties.UserProperty> users = new ArrayList<>(0);
        for (Header header : headers) {
            String key = header.key();
            if (!key.startsWith("mqtt.") || key.equals(TOPIC) || key.equals(QOS) || key.equals(RETAIN)) {
                continue;
            }
            byte[] value = header.value() == null ? new byte[0] : header.value();
            if (key.startsWith(USER_PREFIX)) {
                users.add(new MessageProperties.UserProperty(key.substring(USER_PREFIX.length()),
                        new String(value, StandardCharsets.UTF_8)));
            } else if (key.equals(CONTENT_TYPE)) {
                contentType = new String(value, StandardCharsets.UTF_8);
            } else if (key.equals(PAYLOAD_FORMAT)) {
                utf8 = value.length > 0 && value[0] == 1;
            } else if (key.equals(RESPONSE_TOPIC)) {
                responseTopic = new String(value, StandardCharsets.UTF_8);
            } else if (key.equals(CORRELATION_DATA)) {
                correlation = value;
            } else if (key.equals(MESSAGE_EXPIRY)) {
                expiry = ByteBuffer.wrap(value).getLong();
            }
        }
        return MessageProperties.of(contentType, utf8, users, responseTopic, correlation, expiry);
    }

    private static int byteOf(Headers headers, String key, int otherwise) {
        Header header = headers.lastHeader(key);
        return header == null || header.value() == null || header.value().length == 0 ? otherwise : header.value()[0];
    }

    private static byte[] flag(boolean value) {
        return new byte[] { (byte) (value ? 1 : 0) };
    }

    static byte[] longBytes(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }

    private static Instant instantOfMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }
}
