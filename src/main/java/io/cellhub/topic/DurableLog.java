package io.cellhub.topic;

/**
 * Where received messages are made durable before the broker is told it may forget them. Ingest
 * sends a QoS 1 message's PUBACK only through {@code whenDurable}.
 */
public interface DurableLog {

    /** Whether messages on this topic are recorded. */
    boolean records(String topic);

    /** Records the message; runs {@code whenDurable} once it is committed (possibly on another thread). */
    void append(TopicMessage message, Runnable whenDurable);
}
