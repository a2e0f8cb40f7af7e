package io.cellhub.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A client of {@code GET /api/stream} on a plain socket, so a test decides when it reads: a fast
 * client reads continuously, a slow one holds off until {@link #startReading()}. User info in the
 * base URI ({@code http://user:password@host:port/}) is sent as HTTP Basic.
 */
public final class SseTestClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Socket socket;
    private final String keepPrefix;
    private final java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
    private final List<String> comments = new CopyOnWriteArrayList<>();
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final List<String> eventTypes = new CopyOnWriteArrayList<>();
    private final CountDownLatch headers = new CountDownLatch(1);
    private volatile int status;
    private volatile Thread reader;

    private SseTestClient(Socket socket, String keepPrefix) {
        this.socket = socket;
        this.keepPrefix = keepPrefix;
    }

    /** Connects and reads from the start. */
    public static SseTestClient fast(URI base, String filter) {
        return fast(base, filter, "");
    }

    /** Reads from the start, but keeps only the events on topics starting with {@code keepPrefix}; counts all. */
    public static SseTestClient fast(URI base, String filter, String keepPrefix) {
        SseTestClient client = open(base, filter, 0, keepPrefix);
        client.startReading();
        client.awaitHeaders();
        return client;
    }

    /** Follows several filters at once ({@code filter} repeated), as the dashboard's pages do. */
    public static SseTestClient fast(URI base, List<String> filters) {
        SseTestClient client = open(base, String.join("\n", filters), 0, "");
        client.startReading();
        client.awaitHeaders();
        return client;
    }

    /** Connects with a tiny receive window and reads nothing until {@link #startReading()}. */
    public static SseTestClient slow(URI base, String filter) {
        return open(base, filter, 2048, "");
    }

    private static SseTestClient open(URI base, String filter, int receiveBuffer, String keepPrefix) {
        try {
            Socket socket = new Socket();
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()), 5_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder query = new StringBuilder();
            for (String one : filter.split("\n", -1)) {
                query.append(query.isEmpty() ? "" : "&").append("filter=").append(URLEncoder.encode(one, StandardCharsets.UTF_8));
            }
            String request = "GET /api/stream?" + query + " HTTP/1.1\r\n"
                    + "Host: " + base.getHost() + ":" + base.getPort() + "\r\nAccept: text/event-stream\r\n"
                    + (base.getUserInfo() == null ? "" : "Authorization: Basic " + java.util.Base64.getEncoder().encodeToString(
                            base.getUserInfo().getBytes(StandardCharsets.UTF_8)) + "\r\n")
                    + "\r\n";
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new SseTestClient(socket, keepPrefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized void startReading() {
        if (reader != null) {
            return;
        }
        reader = new Thread(this::read, "sse-test-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** The local port, which {@code /api/stream/clients} shows at the end of {@code remote}. */
    public int localPort() {
        return socket.getLocalPort();
    }

    public int status() {
        awaitHeaders();
        return status;
    }

    /** The data of every {@code message} event so far. */
    public List<JsonNode> events() {
        return new ArrayList<>(events);
    }

    /** The comment lines so far, such as {@code heartbeat}. */
    public List<String> comments() {
        return new ArrayList<>(comments);
    }

    /** How many {@code message} events arrived, kept or not. */
    public long received() {
        return received.get();
    }

    /** The type of every event so far: {@code message}, {@code resync}. */
    public List<String> eventTypes() {
        return new ArrayList<>(eventTypes);
    }

    public List<JsonNode> eventsOn(String topic) {
        return events.stream().filter(e -> e.get("topic").asText().equals(topic)).toList();
    }

    private void awaitHeaders() {
        try {
            if (!headers.await(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("No response headers from /api/stream within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private void read() {
        try (InputStream in = socket.getInputStream();
                BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String statusLine = lines.readLine();
            status = Integer.parseInt(statusLine.split(" ")[1]);
            boolean chunked = false;
            for (String header = lines.readLine(); header != null && !header.isEmpty(); header = lines.readLine()) {
                chunked |= header.toLowerCase().startsWith("transfer-encoding: chunked");
            }
            headers.countDown();
            String type = "message";
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                // Chunk-size lines are hex digits alone; SSE lines never are.
                if (chunked && isChunkSize(line)) {
                    continue;
                }
                if (line.startsWith(": ")) {
                    comments.add(line.substring(2));
                } else if (line.startsWith("event: ")) {
                    type = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    eventTypes.add(type);
                    if (type.equals("message")) {
                        received.incrementAndGet();
                        if (line.startsWith("data: {\"topic\":\"" + keepPrefix)) {
                            events.add(JSON.readTree(line.substring(6)));
                        }
                    }
                    type = "message";
                }
            }
        } catch (IOException e) {
            // closed by the test or the server
        } finally {
            headers.countDown();
        }
    }

    private static boolean isChunkSize(String line) {
        if (line.isEmpty() || line.length() > 8) {
            return false;
        }
        for (int i = 0; i < line.length(); i++) {
            if (Character.digit(line.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
