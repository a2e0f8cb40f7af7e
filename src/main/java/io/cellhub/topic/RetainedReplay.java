package io.cellhub.topic;

import jakarta.inject.Singleton;

/**
 * Whether the broker may still be re-sending its retained messages to CellHub's ingest
 * subscription. Until then every message CellHub receives is taken as replayed state, not as an
 * event: Moquette sends the re-sends of a new QoS 1 subscription without the RETAIN flag, so with
 * the embedded broker the flag alone cannot tell them from live messages. External brokers flag
 * them, so there the state is settled from the start.
 */
@Singleton
public class RetainedReplay {

    private volatile boolean settled;

    public boolean isSettled() {
        return settled;
    }

    public void begin() {
        settled = false;
    }

    public void settle() {
        settled = true;
    }
}
