package io.cellhub.bench;

import java.nio.charset.StandardCharsets;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;

/**
 * One browser on CellHub's {@code /api/stream}, on a connection of its own. It counts the events it
 * reads (frames with a {@code data:} line) and the resyncs ({@code event: resync}) apart; comments
 * and {@code retry:} count as neither. A slow client stops reading after the first bytes, so its
 * socket fills up and CellHub has to coalesce its values.
 *
 * <p>The counters are written on the connection's event loop only and read by the main thread once
 * the run is over.
 */
final class SseClient {

    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESYNC = "event: resync".getBytes(StandardCharsets.US_ASCII);

    private final boolean slow;
    /** The start of the line being read: enough to tell a data line and a resync apart. */
    private final byte[] line = new byte[RESYNC.length];
    /** The whole length of the line being read, of which {@code line} keeps the start. */
    private int lineLength;
    private boolean frameHasData;
    private boolean frameIsResync;

    private volatile long events;
    private volatile long resyncs;
    private volatile int localPort = -1;
    private volatile boolean ended;

    SseClient(boolean slow) {
        this.slow = slow;
    }

    boolean slow() {
        return slow;
    }

    long events() {
        return events;
    }

    long resyncs() {
        return resyncs;
    }

    /** This end's port: CellHub lists the client under it ({@code remote} in {@code /api/stream/clients}). */
    int localPort() {
        return localPort;
    }

    /** Whether CellHub ended the stream or the connection failed after it was open. */
    boolean ended() {
        return ended;
    }

    /** Completes once the response is 200 and its first bytes ({@code : connected}) arrived. */
    Future<Void> open(HttpClient http, String host, int port, String uri) {
        Promise<Void> connected = Promise.promise();
        http.request(HttpMethod.GET, port, host, uri)
                .compose(request -> {
                    localPort = request.connection().localAddress().port();
                    return request.putHeader("Accept", "text/event-stream").send();
                })
                .onFailure(connected::tryFail)
                .onSuccess(response -> {
                    if (response.statusCode() != 200) {
                        connected.tryFail("HTTP " + response.statusCode() + " from " + uri);
                        response.request().connection().close();
                        return;
                    }
                    response.exceptionHandler(e -> ended = true);
                    response.endHandler(v -> ended = true);
                    response.handler(chunk -> {
                        read(chunk.getBytes());
                        if (connected.tryComplete() && slow) {
                            pause(response);
                        }
                    });
                });
        return connected.future();
    }

    private static void pause(HttpClientResponse response) {
        // Vert.x stops reading the socket once a window of unread bytes is queued; then the socket buffers
        // fill and CellHub sees a connection whose write queue stays full.
        response.pause();
    }

    private void read(byte[] bytes) {
        for (byte b : bytes) {
            if (b == '\n') {
                endOfLine();
            } else {
                if (lineLength < line.length) {
                    line[lineLength] = b;
                }
                lineLength++;
            }
        }
    }

    private void endOfLine() {
        if (lineLength == 0) { // a blank line ends the frame
            if (frameIsResync) {
                resyncs++;
            } else if (frameHasData) {
                events++;
            }
            frameHasData = false;
            frameIsResync = false;
        } else if (startsWith(DATA)) {
            frameHasData = true;
        } else if (startsWith(RESYNC) && lineLength == RESYNC.length) {
            frameIsResync = true;
        }
        lineLength = 0;
    }

    private boolean startsWith(byte[] prefix) {
        if (lineLength < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (line[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
