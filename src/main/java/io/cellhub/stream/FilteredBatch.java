package io.cellhub.stream;

import java.util.List;

import io.vertx.core.buffer.Buffer;

/**
 * One tick's events for one filter: the matching events, and all their frames in one buffer that
 * every up-to-date client with that filter writes as is. Vert.x writes a duplicate of a buffer's
 * bytes, so a hundred browsers on {@code #} cost one encoding and one copy, not a hundred.
 */
record FilteredBatch(List<StreamEvent> events, Buffer frames) {

    static FilteredBatch of(List<StreamEvent> events) {
        Buffer frames = Buffer.buffer();
        for (StreamEvent event : events) {
            frames.appendBuffer(event.frame());
        }
        return new FilteredBatch(events, frames);
    }

    boolean isEmpty() {
        return events.isEmpty();
    }
}
