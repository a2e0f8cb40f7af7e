package io.cellhub.ingest;

import java.time.Duration;

import org.jboss.logging.Logger;

import io.cellhub.topic.RateLimitedWarning;
import io.cellhub.topic.RejectionReason;
import io.cellhub.topic.TrafficMetrics;

/**
 * The limits a device's message must keep to be taken in: {@code cellhub.ingest.max-payload-bytes}
 * and {@code cellhub.ingest.max-topic-length}. A message over either is counted
 * ({@code cellhub_messages_rejected_total{reason}}) and dropped, with a warning at most once a minute
 * per limit; the caller still acknowledges it, so the publisher's connection and the broker's
 * session are untouched. ({@code cellhub.topics.max}, the third limit, is kept by the live state.)
 * <p>
 * The single node's {@link MqttIngest} and the cluster mode's ingest sessions keep the same limits
 * through one of these each; it may be shared between threads.
 */
public final class IngestLimits {

    private static final Logger LOG = Logger.getLogger(IngestLimits.class);
    private static final Duration WARNING_INTERVAL = Duration.ofMinutes(1);
    private static final int SHOWN_TOPIC_CHARS = 80;
    /** Bytes of an MQTT PUBLISH's variable header besides the topic: its length field and the packet id. */
    static final int PUBLISH_HEADER_BYTES = 4;

    private final int maxPayloadBytes;
    private final int maxTopicLength;
    private final TrafficMetrics metrics;
    private final RateLimitedWarning oversizedPayloads = new RateLimitedWarning(LOG, WARNING_INTERVAL);
    private final RateLimitedWarning longTopics = new RateLimitedWarning(LOG, WARNING_INTERVAL);

    public IngestLimits(IngestConfig config, int maxPacketSize, TrafficMetrics metrics) {
        this.maxPayloadBytes = config.maxPayloadBytes();
        this.maxTopicLength = config.maxTopicLength();
        this.metrics = metrics;
        if (maxPayloadBytes < 1) {
            throw new IllegalArgumentException("cellhub.ingest.max-payload-bytes must be 1 or more, is " + maxPayloadBytes);
        }
        if (maxTopicLength < 1) {
            throw new IllegalArgumentException("cellhub.ingest.max-topic-length must be 1 or more, is " + maxTopicLength);
        }
        long largestAdmitted = (long) maxPayloadBytes + maxTopicLength + PUBLISH_HEADER_BYTES;
        if (largestAdmitted > maxPacketSize) {
            LOG.warnf("cellhub.ingest.max-payload-bytes=%d with cellhub.ingest.max-topic-length=%d admits MQTT packets of "
                    + "up to %d bytes, more than cellhub.mqtt.max-packet-size=%d. An MQTT 5 broker drops such packets "
                    + "before CellHub can see them. Lower cellhub.ingest.max-payload-bytes or raise "
                    + "cellhub.mqtt.max-packet-size.", maxPayloadBytes, maxTopicLength, largestAdmitted, maxPacketSize);
        }
    }

    /** @return true when the message is within the limits; else it has been counted and may be logged */
    public boolean admit(String topic, int payloadBytes) {
        if (payloadBytes > maxPayloadBytes) {
            metrics.rejected(RejectionReason.INGEST_PAYLOAD_TOO_LARGE);
            oversizedPayloads.occurred(count -> String.format("Dropped %d message(s) with a payload over "
                    + "cellhub.ingest.max-payload-bytes=%d since the last warning, the latest %d bytes on '%s'. Raise "
                    + "cellhub.ingest.max-payload-bytes (below cellhub.mqtt.max-packet-size) if such payloads are "
                    + "expected, else fix the publisher.", count, maxPayloadBytes, payloadBytes, shown(topic)));
            return false;
        }
        if (topic.length() > maxTopicLength || topic.length() > maxTopicLength / 3 && utf8Length(topic) > maxTopicLength) {
            metrics.rejected(RejectionReason.TOPIC_TOO_LONG);
            longTopics.occurred(count -> String.format("Dropped %d message(s) on topics over "
                    + "cellhub.ingest.max-topic-length=%d UTF-8 bytes since the last warning, the latest %d bytes: '%s'. "
                    + "Raise cellhub.ingest.max-topic-length if such topics are expected, else fix the publisher.", count,
                    maxTopicLength, utf8Length(topic), shown(topic)));
            return false;
        }
        return true;
    }

    /** The length of the topic in UTF-8, as MQTT counts it, without encoding it. */
    static int utf8Length(String text) {
        int bytes = text.length();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x800 && !Character.isSurrogate(c)) {
                bytes += 2;
            } else if (c >= 0x80) {
                // two bytes below U+0800; a surrogate pair is four bytes for its two chars
                bytes += 1;
            }
        }
        return bytes;
    }

    private static String shown(String topic) {
        return topic.length() <= SHOWN_TOPIC_CHARS ? topic : topic.substring(0, SHOWN_TOPIC_CHARS) + "…";
    }
}
