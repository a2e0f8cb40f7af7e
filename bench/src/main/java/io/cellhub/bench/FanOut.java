package io.cellhub.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;

/**
 * The fan-out scenario's part beside the average job: {@code --sse-clients} browsers on CellHub's
 * {@code /api/stream?filter=#}, of which {@code --slow-clients} never read after their first bytes,
 * and CellHub's heap after a full GC without them, with them attached and after they left.
 *
 * <p>{@link #start()} measures the heap, then opens the clients and waits until every one is
 * connected; {@link #finish()}, once the job is over, lets the last stream tick arrive, takes the
 * counts (the clients' and CellHub's own), measures the heap again and only then closes the clients;
 * then once more when CellHub has let them go. The job's own cells are new topics, which CellHub
 * keeps (last value and history), so the heap after the clients left, not the one before they came,
 * tells what the attached clients themselves held. The clients have a Vert.x instance of their own,
 * so reading the streams never delays the sink.
 */
final class FanOut {

    /** Longer than a few of CellHub's stream ticks (cellhub.sse.min-interval, 100 ms). */
    private static final long SETTLE_MILLIS = 1000;
    /**
     * The slow clients' socket receive buffer, fixed (which turns off the kernel's growing it) and small,
     * so that what a slow client takes before CellHub sees its write queue full is mostly CellHub's own
     * socket send buffer. That one grows up to net.ipv4.tcp_wmem's maximum (4 MB here, some 20,000
     * events): with both left to the kernel a 10 s run filled the slow connections only near its end.
     */
    private static final int SLOW_RECEIVE_BUFFER = 4096;

    private final String host;
    private final int httpPort;
    private final int count;
    private final int slowCount;
    private final CellHubProbe cellHub;
    private final List<SseClient> clients = new ArrayList<>();
    private final Map<String, String> fields = new HashMap<>();
    private Vertx vertx;
    private HttpClient fastHttp;
    private HttpClient slowHttp;
    /** CellHub's dropped-events counter when the clients came: it counts over CellHub's lifetime. */
    private double droppedBefore = Double.NaN;

    FanOut(Map<String, String> o, String host) {
        this.host = host;
        httpPort = Integer.parseInt(required(o, "http-port"));
        count = Integer.parseInt(o.getOrDefault("sse-clients", "100"));
        slowCount = Integer.parseInt(o.getOrDefault("slow-clients", "10"));
        if (slowCount > count) {
            throw new IllegalArgumentException("--slow-clients must not exceed --sse-clients");
        }
        cellHub = new CellHubProbe(Long.parseLong(required(o, "cellhub-pid")), host, httpPort);
    }

    private static String required(Map<String, String> o, String key) {
        String value = o.get(key);
        if (value == null) {
            throw new IllegalArgumentException("--scenario fanout needs --" + key);
        }
        return value;
    }

    void start() throws Exception {
        fields.put("heap_after_gc_mb_before", heapAfterFullGcMb());
        droppedBefore = droppedEvents();
        vertx = Vertx.vertx();
        fastHttp = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(count));
        slowHttp = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(Math.max(1, slowCount))
                .setReceiveBufferSize(SLOW_RECEIVE_BUFFER));
        List<Future<Void>> connected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            boolean slow = i < slowCount;
            SseClient client = new SseClient(slow);
            clients.add(client);
            connected.add(client.open(slow ? slowHttp : fastHttp, host, httpPort, "/api/stream?filter=%23"));
        }
        Future.all(connected).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** @return the scenario's {@code key=value} fields for the RESULT line */
    String finish() throws Exception {
        Thread.sleep(SETTLE_MILLIS);
        countClients();
        countCellHub();
        fields.put("heap_after_gc_mb_with_clients", heapAfterFullGcMb());
        close();
        awaitNoClients();
        fields.put("heap_after_gc_mb_after_close", heapAfterFullGcMb());
        StringBuilder line = new StringBuilder();
        for (String key : List.of("sse_clients", "slow_clients", "events_per_client_min", "events_per_client_median",
                "events_per_client_max", "resyncs", "sse_ended", "sse_sent_fast", "sse_dropped", "sse_dropped_slow",
                "sse_dropped_fast", "sse_sent_slow", "sse_resyncs_slow", "heap_after_gc_mb_before", "heap_after_gc_mb_with_clients",
                "heap_after_gc_mb_after_close")) {
            line.append(' ').append(key).append('=').append(fields.getOrDefault(key, "-"));
        }
        return line.toString();
    }

    private void close() throws Exception {
        fastHttp.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        slowHttp.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** What the clients read: events of the fast ones (the slow ones read nothing after connecting). */
    private void countClients() {
        long[] events = clients.stream().filter(c -> !c.slow()).mapToLong(SseClient::events).sorted().toArray();
        fields.put("sse_clients", Integer.toString(count));
        fields.put("slow_clients", Integer.toString(slowCount));
        if (events.length > 0) {
            fields.put("events_per_client_min", Long.toString(events[0]));
            fields.put("events_per_client_median", Long.toString(events[(events.length - 1) / 2]));
            fields.put("events_per_client_max", Long.toString(events[events.length - 1]));
        }
        fields.put("resyncs", Long.toString(clients.stream().filter(c -> !c.slow()).mapToLong(SseClient::resyncs).sum()));
        fields.put("sse_ended", Long.toString(clients.stream().filter(SseClient::ended).count()));
    }

    /**
     * What CellHub counted: its dropped-events metric (all clients), and per client from
     * {@code /api/stream/clients}, told apart by the client's port.
     */
    private void countCellHub() {
        double dropped = droppedEvents();
        if (!Double.isNaN(dropped - droppedBefore)) {
            fields.put("sse_dropped", String.format("%.0f", dropped - droppedBefore));
        }
        Map<Integer, SseClient> byPort = new HashMap<>();
        clients.forEach(c -> byPort.put(c.localPort(), c));
        long sentFast = 0;
        long droppedFast = 0;
        long droppedSlow = 0;
        long sentSlow = 0;
        long resyncsSlow = 0;
        try {
            for (Object entry : cellHub.streamClients()) {
                JsonObject view = (JsonObject) entry;
                String remote = view.getString("remote", "");
                SseClient client = byPort.get(port(remote));
                if (client == null) {
                    continue; // not one of ours
                }
                if (client.slow()) {
                    droppedSlow += view.getLong("dropped", 0L);
                    sentSlow += view.getLong("sent", 0L);
                    resyncsSlow += view.getLong("resyncs", 0L);
                } else {
                    sentFast += view.getLong("sent", 0L);
                    droppedFast += view.getLong("dropped", 0L);
                }
            }
        } catch (Exception e) {
            System.err.println("fanout: cannot read /api/stream/clients: " + e);
            return;
        }
        fields.put("sse_sent_fast", Long.toString(sentFast));
        fields.put("sse_dropped_fast", Long.toString(droppedFast));
        fields.put("sse_dropped_slow", Long.toString(droppedSlow));
        fields.put("sse_sent_slow", Long.toString(sentSlow));
        fields.put("sse_resyncs_slow", Long.toString(resyncsSlow));
    }

    /** {@code cellhub_sse_events_total{outcome="dropped"}}, or NaN when it cannot be read. */
    private double droppedEvents() {
        try {
            return cellHub.metric("cellhub_sse_events_total", "outcome=\"dropped\"");
        } catch (Exception e) {
            System.err.println("fanout: cannot read cellhub_sse_events_total: " + e);
            return Double.NaN;
        }
    }

    /** Waits (10 s at most) until CellHub's {@code cellhub_sse_clients} gauge is back to zero. */
    private void awaitNoClients() throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            try {
                if (cellHub.metric("cellhub_sse_clients", "") == 0) {
                    return;
                }
            } catch (Exception e) {
                System.err.println("fanout: cannot read cellhub_sse_clients: " + e);
                return;
            }
            Thread.sleep(100);
        }
        System.err.println("fanout: CellHub still lists stream clients 10 s after they closed");
    }

    private static int port(String remote) {
        try {
            return Integer.parseInt(remote.substring(remote.lastIndexOf(':') + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private String heapAfterFullGcMb() {
        try {
            return String.format("%.1f", cellHub.heapAfterFullGc() / (1024 * 1024));
        } catch (Exception e) {
            System.err.println("fanout: no heap figure: " + e);
            return "-";
        }
    }
}
