package io.cellhub.dashboard;

import java.time.Instant;

/**
 * A cell's place in the fleet summary and in the alarm order: {@code status} is its status payload
 * (or null), {@code lastSeen} its newest message on any of its topics.
 */
record CellState(CellTopics topics, String status, Instant lastSeen, State state) {

    /** In alarm order: what needs attention first. */
    enum State {
        offline, stale, unknown, online
    }

    String name() {
        return topics.name();
    }

    long lastSeenMillis() {
        return lastSeen == null ? Long.MIN_VALUE : lastSeen.toEpochMilli();
    }
}
