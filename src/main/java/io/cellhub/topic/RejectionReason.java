package io.cellhub.topic;

/** Why CellHub refused a message; the {@code reason} tag of {@code cellhub_messages_rejected_total}. */
public enum RejectionReason {
    INVALID_TOPIC("invalid-topic"),
    INVALID_QOS("invalid-qos"),
    PAYLOAD_TOO_LARGE("payload-too-large"),
    INVALID_REQUEST("invalid-request"),
    BROKER_UNAVAILABLE("broker-unavailable"),
    TOPIC_LIMIT("topic-limit"),
    /** A device's payload over {@code cellhub.ingest.max-payload-bytes}; dropped at ingest. */
    INGEST_PAYLOAD_TOO_LARGE("ingest-payload-too-large"),
    /** A device's topic over {@code cellhub.ingest.max-topic-length} UTF-8 bytes; dropped at ingest. */
    TOPIC_TOO_LONG("topic-too-long"),
    /**
     * A message on a topic that none of {@code cellhub.ingest.filter} matches: the broker kept the ingest
     * session with the subscriptions of an earlier filter list. Dropped at ingest.
     */
    OUTSIDE_INGEST_FILTER("outside-ingest-filter");

    private final String tag;

    RejectionReason(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
