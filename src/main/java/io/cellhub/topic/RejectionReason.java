package io.cellhub.topic;

/** Why CellHub refused a message; the {@code reason} tag of {@code cellhub_messages_rejected_total}. */
public enum RejectionReason {
    INVALID_TOPIC("invalid-topic"),
    INVALID_QOS("invalid-qos"),
    PAYLOAD_TOO_LARGE("payload-too-large"),
    INVALID_REQUEST("invalid-request"),
    BROKER_UNAVAILABLE("broker-unavailable"),
    TOPIC_LIMIT("topic-limit");

    private final String tag;

    RejectionReason(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
