package io.cellhub.stream;

import java.nio.charset.StandardCharsets;

import io.vertx.core.buffer.Buffer;

/**
 * One topic's latest message, encoded once as a complete SSE event and shared by every client
 * whose filter matches it.
 */
record StreamEvent(String topic, Buffer frame) {

    static StreamEvent of(String topic, byte[] json) {
        Buffer frame = Buffer.buffer(json.length + 8);
        frame.appendString("data: ").appendBytes(json).appendString("\n\n");
        return new StreamEvent(topic, frame);
    }

    /** An SSE comment: ignored by EventSource, but it keeps a quiet connection open. */
    static Buffer comment(String text) {
        return Buffer.buffer(": " + text + "\n\n", StandardCharsets.UTF_8.name());
    }
}
