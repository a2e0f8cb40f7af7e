package io.cellhub.stream;

import java.time.Instant;
import java.util.LinkedHashMap;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * One browser on {@code /api/stream}. Everything but the counters lives on the connection's own
 * event loop, so a client that cannot keep up costs only its own bounded map of waiting values:
 * while its socket is full, each new value replaces the topic's waiting one (counted as dropped),
 * and past {@code max-pending-topics} the client is told to reload its state instead.
 */
final class StreamClient {

    /** Tells the page to reload its state from {@code /api/topics}: values were dropped unseen. */
    static final Buffer RESYNC = Buffer.buffer("event: resync\ndata: {}\n\n");

    private final long id;
    private final StreamFilters filters;
    private final String remote;
    private final Instant connectedAt = Instant.now();
    private final HttpServerResponse response;
    private final Context context;
    private final int maxPending;
    private final StreamMetrics metrics;
    private final LinkedHashMap<String, StreamEvent> pending = new LinkedHashMap<>();
    private boolean resync;
    private long lastWriteNanos = System.nanoTime();
    private volatile long sent;
    private volatile long dropped;
    private volatile long resyncs;
    private volatile int waiting;
    private volatile boolean closed;

    StreamClient(long id, StreamFilters filters, String remote, HttpServerResponse response, Context context, int maxPending,
            StreamMetrics metrics) {
        this.id = id;
        this.filters = filters;
        this.remote = remote;
        this.response = response;
        this.context = context;
        this.maxPending = maxPending;
        this.metrics = metrics;
        response.drainHandler(v -> flush());
    }

    StreamFilters filters() {
        return filters;
    }

    /** Hands a tick's events for this client's filter to its event loop; never blocks the caller. */
    void offer(FilteredBatch batch, Runnable taken) {
        context.runOnContext(v -> {
            try {
                take(batch);
            } finally {
                taken.run();
            }
        });
    }

    void heartbeatIfIdle(long idleNanos) {
        if (!closed && System.nanoTime() - lastWriteNanos >= idleNanos) {
            context.runOnContext(v -> {
                if (!closed && pending.isEmpty() && !response.writeQueueFull()) {
                    write(StreamEvent.comment("heartbeat"));
                }
            });
        }
    }

    void close() {
        closed = true;
    }

    StreamClientView view() {
        return new StreamClientView(id, filters.toString(), remote, connectedAt, sent, dropped, waiting, resyncs);
    }

    private void take(FilteredBatch batch) {
        if (closed) {
            return;
        }
        if (pending.isEmpty() && !resync && !response.writeQueueFull()) {
            // Up to date: the shared frames go out as they are.
            int count = batch.events().size();
            sent += count;
            metrics.sent(count);
            write(batch.frames());
            return;
        }
        int replaced = 0;
        for (StreamEvent event : batch.events()) {
            if (pending.put(event.topic(), event) != null) {
                replaced++;
            }
        }
        if (pending.size() > maxPending) {
            replaced += pending.size();
            pending.clear();
            resync = true;
        }
        if (replaced > 0) {
            dropped += replaced;
            metrics.dropped(replaced);
        }
        flush();
    }

    private void flush() {
        if (closed || response.writeQueueFull()) {
            waiting = pending.size();
            return;
        }
        if (resync) {
            resync = false;
            resyncs++;
            metrics.resynced();
            write(RESYNC.copy());
        }
        if (!pending.isEmpty()) {
            Buffer frames = Buffer.buffer();
            for (StreamEvent event : pending.values()) {
                frames.appendBuffer(event.frame());
            }
            int count = pending.size();
            pending.clear();
            sent += count;
            metrics.sent(count);
            write(frames);
        }
        waiting = 0;
    }

    private void write(Buffer buffer) {
        lastWriteNanos = System.nanoTime();
        response.write(buffer);
    }
}
