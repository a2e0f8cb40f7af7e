package io.cellhub.stream;

import java.time.Instant;

/**
 * A stream client as {@code GET /api/stream/clients} shows it. {@code filter} is its filters,
 * comma-separated. {@code dropped} counts values that
 * were replaced by newer ones before this client could take them; {@code resyncs} counts the times
 * it was told to reload its state.
 */
public record StreamClientView(long id, String filter, String remote, Instant connectedAt, long sent, long dropped,
        int waiting, long resyncs) {
}
