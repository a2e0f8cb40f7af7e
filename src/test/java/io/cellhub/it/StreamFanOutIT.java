package io.cellhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cellhub.support.FreePort;
import io.cellhub.support.MqttTestClient;
import io.cellhub.support.PackagedApp;
import io.cellhub.support.ScratchSpace;
import io.cellhub.support.SseTestClient;

/**
 * 100 stream clients on {@code #} (90 reading, 10 stalled) while the demo fleet runs and a
 * 5,000 msg/s burst lasts 10 s. Prints the heap and the event counts; asserts what must hold on any
 * machine: every message of the burst is ingested, every reader gets the marker published after it,
 * no reader is dropped, stalled readers are coalesced, and the heap after a full GC is back near
 * where it started.
 */
class StreamFanOutIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HEAP = Pattern.compile("jvm_memory_used_bytes\\{area=\"heap\"[^}]*} ([0-9.E+]+)");
    private static final int READERS = Integer.getInteger("fanout.readers", 90);
    private static final int STALLED = Integer.getInteger("fanout.stalled", 10);
    private static final int TOPICS = 500;
    private static final int RATE = 5_000;
    private static final int SECONDS = 10;
    /**
     * Makes each event about 600 bytes, so that what a stalled client is owed outgrows the kernel's
     * send buffer (up to 4 MiB here) however many ticks the machine's load allows; only then must
     * CellHub coalesce for it.
     */
    private static final String PAD = "x".repeat(480);

    @Test
    void hundredClientsAndABurstLeaveHeapBoundedAndIngestRunning() throws Exception {
        int brokerPort = FreePort.find();
        int httpPort = FreePort.find();
        Map<String, String> env = Map.of(
                "CELLHUB_BROKER_PORT", String.valueOf(brokerPort),
                "CELLHUB_DATA_DIR", ScratchSpace.directory("cellhub-fanout").toString(),
                "CELLHUB_FLEET_ENABLED", "true");
        URI base = URI.create("http://" + PackagedApp.USER + ":" + PackagedApp.PASSWORD + "@127.0.0.1:" + httpPort + "/");
        List<SseTestClient> readers = new ArrayList<>();
        List<SseTestClient> stalled = new ArrayList<>();
        try (PackagedApp app = new PackagedApp(httpPort, env).start();
                MqttTestClient device = MqttTestClient.connect(brokerPort, "fanout-burst")) {
            for (int i = 0; i < READERS; i++) {
                readers.add(SseTestClient.fast(base, "#", "fanout/end"));
            }
            for (int i = 0; i < STALLED; i++) {
                stalled.add(SseTestClient.slow(base, "#"));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> JSON.readTree(app.get("/api/stream/clients")).size() == READERS + STALLED);
            Thread.sleep(2_000);
            long heapBefore = heapAfterGc(app);

            long maxHeap = 0;
            long started = System.nanoTime();
            int sent = 0;
            for (int tick = 0; tick < SECONDS * 100; tick++) {
                io.vertx.core.Future<Integer> last = null;
                for (int i = 0; i < RATE / 100; i++) {
                    last = device.publishAsync("fanout/t" + (sent % TOPICS),
                            "{\"seq\": " + sent + ", \"value\": " + (sent % 97) + ", \"note\": \"" + PAD + "\"}", 0);
                    sent++;
                }
                MqttTestClient.awaitWritten(last);
                if (tick % 50 == 0) {
                    maxHeap = Math.max(maxHeap, heap(app));
                }
                long due = started + (tick + 1) * TimeUnit.MILLISECONDS.toNanos(10);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            double burstSeconds = (System.nanoTime() - started) / 1e9;
            device.publish("fanout/end", "end", 1, false);
            await().atMost(Duration.ofSeconds(60)).until(() -> app.request("/api/topics/fanout/end").statusCode() == 200);
            int total = sent;

            Thread.sleep(1_000);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> readers.stream().allMatch(r -> !r.eventsOn("fanout/end").isEmpty()));
            long heapAfter = heapAfterGc(app);
            JsonNode clients = JSON.readTree(app.get("/api/stream/clients"));
            long droppedForStalled = 0;
            long droppedForReaders = 0;
            for (JsonNode client : clients) {
                boolean isStalled = stalled.stream().anyMatch(s -> client.get("remote").asText().endsWith(":" + s.localPort()));
                if (isStalled) {
                    droppedForStalled += client.get("dropped").asLong();
                } else {
                    droppedForReaders += client.get("dropped").asLong();
                }
            }
            long minEvents = readers.stream().mapToLong(SseTestClient::received).min().orElse(0);
            long maxEvents = readers.stream().mapToLong(SseTestClient::received).max().orElse(0);
            String rss = Files.readAllLines(Path.of("/proc/" + app.pid() + "/status")).stream()
                    .filter(line -> line.startsWith("VmRSS")).findFirst().orElse("VmRSS: ?");

            System.out.printf("%nStream fan-out: %d readers + %d stalled clients on '#', demo fleet on, %d msg/s burst "
                    + "on %d topics%n", READERS, STALLED, RATE, TOPICS);
            System.out.printf("  burst: %,d messages in %.1f s (%.0f msg/s); ingested %,d of them%n", total, burstSeconds,
                    total / burstSeconds, ingested(app));
            System.out.printf("  events per reader: %,d to %,d; dropped for readers %,d, for stalled clients %,d%n",
                    minEvents, maxEvents, droppedForReaders, droppedForStalled);
            System.out.printf("  heap after full GC: %.1f MB before, %.1f MB after; highest sample during burst %.1f MB; %s%n%n",
                    heapBefore / 1e6, heapAfter / 1e6, maxHeap / 1e6, rss);

            // The embedded broker keeps what CellHub's ingest has not read yet in its queue (on disk beyond
            // cellhub.broker.max-memory), so even at QoS 0 the whole burst arrives.
            assertThat(ingested(app)).as("burst messages ingested").isEqualTo(total);
            assertThat(clients.size()).as("clients still connected").isEqualTo(READERS + STALLED);
            assertThat(droppedForStalled).as("values dropped for stalled clients").isPositive();
            assertThat(heapAfter - heapBefore).as("heap growth after a full GC, bytes").isLessThan(64L << 20);
        } finally {
            readers.forEach(SseTestClient::close);
            stalled.forEach(SseTestClient::close);
        }
    }

    /** Messages ingested on the burst's topics: the sum of their counts in the live state. */
    private static long ingested(PackagedApp app) throws IOException {
        long count = 0;
        for (JsonNode topic : JSON.readTree(app.get("/api/topics?filter=fanout/%2B"))) {
            if (!topic.get("topic").asText().equals("fanout/end")) {
                count += topic.get("count").asLong();
            }
        }
        return count;
    }

    private static long heapAfterGc(PackagedApp app) throws Exception {
        Process gc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(app.pid()), "GC.run").redirectErrorStream(true).start();
        gc.getInputStream().readAllBytes();
        assertThat(gc.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return heap(app);
    }

    private static long heap(PackagedApp app) {
        Matcher matcher = HEAP.matcher(app.get("/q/metrics"));
        long used = 0;
        while (matcher.find()) {
            used += (long) Double.parseDouble(matcher.group(1));
        }
        return used;
    }
}
