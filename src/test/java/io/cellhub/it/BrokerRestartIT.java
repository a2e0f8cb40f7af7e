package io.cellhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.cellhub.support.FreePort;
import io.cellhub.support.Mosquitto;
import io.cellhub.support.MqttTestClient.Outgoing;
import io.cellhub.support.MqttTestClient;
import io.cellhub.support.PackagedApp;
import io.cellhub.support.PrometheusText;
import io.cellhub.support.ScratchSpace;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;

/**
 * Debian's Mosquitto restarts under QoS 1 load while the packaged CellHub is subscribed. First with
 * its persistence, so it keeps CellHub's persistent session (subscription, queued and in-flight
 * messages): CellHub reconnects without subscribing again, and every message the broker acknowledged
 * to the publisher reaches the journal. Then without it, so the session is gone: CellHub subscribes
 * afresh. Mosquitto's own log shows which of the two happened.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrokerRestartIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CONNACK = Pattern.compile(": Sending CONNACK to cellhub \\((\\d), 0\\)$", Pattern.MULTILINE);
    private static final Pattern SUBSCRIBE = Pattern.compile(": cellhub 1 #$", Pattern.MULTILINE);
    private static final Duration BROKER_DOWN = Duration.ofSeconds(5);

    private Path persistence;
    private Mosquitto mosquitto;
    private PackagedApp app;
    private Vertx vertx;

    @BeforeAll
    void start() throws IOException {
        persistence = ScratchSpace.directory("cellhub-mosquitto-persistence");
        mosquitto = new Mosquitto(FreePort.find()).configure(
                "persistence true",
                "persistence_location " + persistence + "/",
                // Run as the user that owns the directory; as root Mosquitto would switch to user "mosquitto".
                "user " + System.getProperty("user.name"),
                "max_queued_messages 1000000", // finite, as in production
                "log_type all").start();
        Map<String, String> env = PackagedApp.externalBrokerEnv(mosquitto.port(), ScratchSpace.directory("cellhub-restart"));
        app = new PackagedApp(FreePort.find(), env).start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    void stop() {
        try {
            if (app != null) {
                app.stop();
            }
        } finally {
            if (mosquitto != null) {
                mosquitto.stop();
            }
            if (vertx != null) {
                vertx.close();
            }
        }
    }

    @Test
    @Order(1)
    void brokerRestartKeepingTheSessionLosesNoAcknowledgedMessageAndCellHubResumes() throws Exception {
        try (MqttTestClient cell = MqttTestClient.connect(mosquitto.port(), "restart-cell")) {
            cell.publishAcknowledged("restartcell/temperature1", "10");
            cell.publishAcknowledged("restartcell/temperature2", "20");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> "15".equals(payload("restartcell/avgtemperature")));

        // Dropped for its size but acknowledged: were it not, the broker would redeliver it after the restart.
        int maxPayload = 262_144; // cellhub.ingest.max-payload-bytes by default
        try (MqttTestClient device = MqttTestClient.connect(mosquitto.port(), "restart-oversize")) {
            device.publishAllAcknowledged(List.of(new Outgoing("restart/oversized", Buffer.buffer(new byte[maxPayload + 1]))), 1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> rejectedOversized() == 1);

        ReadinessWatch readiness = new ReadinessWatch(app);
        LoadPublisher publisher = new LoadPublisher(vertx, mosquitto.port(), "restart/seq");
        CompletableFuture<Void> publishing = CompletableFuture.runAsync(publisher);
        CompletableFuture<Void> watching = CompletableFuture.runAsync(readiness);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> publisher.acked() >= 2_000 || publishing.isDone());
            assertThat(publishing).as("the publisher runs").isNotDone();

            long stopped = System.nanoTime();
            mosquitto.stop();
            await().atMost(Duration.ofSeconds(15)).until(() -> readiness.sawSince(stopped, 503));
            assertThat(app.request("/q/health/live").statusCode()).as("liveness does not follow the broker").isEqualTo(200);
            Thread.sleep(Math.max(0, BROKER_DOWN.toMillis() - (System.nanoTime() - stopped) / 1_000_000));
            int ackedBeforeRestart = publisher.acked();
            long restarted = System.nanoTime();
            mosquitto.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> readiness.sawSince(restarted, 200));
            long ready = readiness.firstSince(restarted, 200);

            String brokerLog = mosquitto.log();
            assertThat(connacks(brokerLog)).as("the broker kept CellHub's session (CONNACK session present)").isNotEmpty()
                    .containsOnly("1");
            assertThat(SUBSCRIBE.matcher(brokerLog).find())
                    .as("with its session kept, CellHub subscribes again under MQTT 5 (Retain Handling: no retained "
                            + "messages again), so that the session takes the filters configured now")
                    .isTrue();

            await().atMost(Duration.ofSeconds(30)).until(() -> publisher.acked() >= ackedBeforeRestart + 2_000 || publishing.isDone());
            try (MqttTestClient cell = MqttTestClient.connect(mosquitto.port(), "restart-cell")) {
                cell.publishAcknowledged("restartcell/temperature1", "40");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> "30".equals(payload("restartcell/avgtemperature")));
            publisher.stop();
            publishing.get(30, TimeUnit.SECONDS);

            Map<Integer, Long> acked = publisher.ackedAt();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> app.journalCounts("restart/seq").keySet().containsAll(asText(acked.keySet())));
            Map<String, Integer> journal = app.journalCounts("restart/seq");
            int duplicates = journal.values().stream().mapToInt(n -> n - 1).sum();
            long ackedAfter = acked.values().stream().filter(at -> at > restarted).count();
            String metrics = app.get("/q/metrics");
            System.out.printf("BrokerRestartIT (session kept): %,d QoS 1 messages acknowledged by Mosquitto (%,d after its "
                    + "restart; %d publishes unanswered when it went away), 0 lost, %,d duplicate rows, %.0f PUBACKs "
                    + "unsent on the closed connection; broker down %.1f s, CellHub ready %.1f s after the broker was back, "
                    + "not ready for %.1f s%n", acked.size(), ackedAfter, publisher.unanswered(), duplicates,
                    PrometheusText.value(metrics, "cellhub_ingest_pubacks_unsent_total"), seconds(restarted - stopped),
                    seconds(ready - restarted), seconds(ready - readiness.firstSince(stopped, 503)));
            for (int seq : acked.keySet()) {
                assertThat(journal).as("acknowledged message %d is in the journal", seq).containsKey(String.valueOf(seq));
            }
            assertThat(ackedAfter).as("messages published after the restart arrive").isPositive();
            assertThat(rejectedOversized()).as("the dropped oversized message was acknowledged, so not redelivered").isEqualTo(1);
        } finally {
            publisher.stop();
            readiness.stop();
            watching.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(2)
    void brokerRestartLosingTheSessionMakesCellHubSubscribeAgain() throws Exception {
        ReadinessWatch readiness = new ReadinessWatch(app);
        CompletableFuture<Void> watching = CompletableFuture.runAsync(readiness);
        try {
            long stopped = System.nanoTime();
            mosquitto.stop();
            try (var files = Files.list(persistence)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> readiness.sawSince(stopped, 503));
            long restarted = System.nanoTime();
            mosquitto.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> readiness.sawSince(restarted, 200));
            long ready = readiness.firstSince(restarted, 200);

            String brokerLog = mosquitto.log();
            assertThat(connacks(brokerLog)).as("the broker lost CellHub's session (CONNACK session present = 0)")
                    .first().isEqualTo("0");
            await().atMost(Duration.ofSeconds(10)).until(() -> SUBSCRIBE.matcher(mosquitto.log()).find());

            List<String> sent = new ArrayList<>();
            try (MqttTestClient device = MqttTestClient.connect(mosquitto.port(), "restart-device")) {
                for (int i = 1; i <= 100; i++) {
                    device.publishAcknowledged("restart2/seq", String.valueOf(i));
                    sent.add(String.valueOf(i));
                }
                device.publishAcknowledged("restartcell/temperature2", "60");
            }
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> app.journalCounts("restart2/seq").keySet().containsAll(sent));
            await().atMost(Duration.ofSeconds(10)).until(() -> "50".equals(payload("restartcell/avgtemperature")));
            System.out.printf("BrokerRestartIT (session lost): CellHub subscribed again and ready %.1f s after the broker "
                    + "was back; 100 of 100 messages after it journaled; the average rule kept its inputs%n",
                    seconds(ready - restarted));
        } finally {
            readiness.stop();
            watching.get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Over MQTT 5 CellHub announces its Maximum Packet Size ({@code cellhub.mqtt.max-packet-size}, 16 MiB),
     * so the broker never sends it a larger packet: Mosquitto drops such a message for CellHub instead of
     * sending it (a client can only close the connection on one, and the broker would redeliver it to the
     * persistent session on every reconnect, as it did with MQTT 3.1.1). A message under that size but over
     * {@code cellhub.ingest.max-payload-bytes} arrives, is counted, acknowledged and dropped. Either way
     * CellHub keeps its one connection and what comes next arrives.
     */
    @Test
    @Order(3)
    void oversizedMessagesNeverCostCellHubItsConnection() throws Exception {
        int connectionsBefore = connacks(mosquitto.log()).size();
        double rejectedBefore = rejectedOversized();
        try (MqttTestClient device = MqttTestClient.connect(mosquitto.port(), "poison-device")) {
            device.publishAllAcknowledged(List.of(new Outgoing("poison/big", Buffer.buffer(new byte[1_572_864])),
                    new Outgoing("poison/huge", Buffer.buffer(new byte[17 * 1024 * 1024]))), 1);
            device.publishAcknowledged("poison/after", "small");
            await().atMost(Duration.ofSeconds(20)).until(() -> "small".equals(payload("poison/after")));
            assertThat(device.isConnected()).isTrue();
        }
        assertThat(rejectedOversized()).as("the 1.5 MiB message reached CellHub and was dropped by its ingest limit")
                .isEqualTo(rejectedBefore + 1);
        assertThat(app.request("/api/topics/poison/big").statusCode()).isEqualTo(404);
        assertThat(app.request("/api/topics/poison/huge").statusCode()).isEqualTo(404);
        assertThat(connacks(mosquitto.log())).as("CellHub kept its connection").hasSize(connectionsBefore);
        System.out.printf("BrokerRestartIT (oversized messages): 1.5 MiB dropped by CellHub's ingest limit, 17 MiB withheld "
                + "by Mosquitto (over CellHub's Maximum Packet Size), no reconnect%n");
    }

    private static List<String> connacks(String brokerLog) {
        List<String> sessionPresent = new ArrayList<>();
        Matcher matcher = CONNACK.matcher(brokerLog);
        while (matcher.find()) {
            sessionPresent.add(matcher.group(1));
        }
        return sessionPresent;
    }

    private String payload(String topic) throws IOException {
        var response = app.request("/api/topics/" + topic);
        return response.statusCode() == 200 ? JSON.readTree(response.body()).path("payload").asText(null) : null;
    }

    private double rejectedOversized() {
        return PrometheusText.value(app.get("/q/metrics"), "cellhub_messages_rejected_total", "reason", "ingest-payload-too-large");
    }

    private static List<String> asText(java.util.Set<Integer> numbers) {
        return numbers.stream().map(String::valueOf).toList();
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** Polls readiness every 100 ms and remembers when each answer was first seen after a point in time. */
    private static final class ReadinessWatch implements Runnable {

        private record Sample(long at, int status) {
        }

        private final PackagedApp app;
        private final List<Sample> samples = new java.util.concurrent.CopyOnWriteArrayList<>();
        private volatile boolean running = true;

        ReadinessWatch(PackagedApp app) {
            this.app = app;
        }

        @Override
        public void run() {
            while (running) {
                int status;
                try {
                    status = app.request("/q/health/ready").statusCode();
                } catch (RuntimeException e) {
                    status = -1;
                }
                samples.add(new Sample(System.nanoTime(), status));
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        boolean sawSince(long since, int status) {
            return samples.stream().anyMatch(s -> s.at() >= since && s.status() == status);
        }

        long firstSince(long since, int status) {
            return samples.stream().filter(s -> s.at() >= since && s.status() == status).mapToLong(Sample::at).min()
                    .orElseThrow();
        }

        void stop() {
            running = false;
        }
    }

    /**
     * Publishes QoS 1 messages numbered 1, 2, 3… at up to about 1,000 a second with up to
     * {@link #WINDOW} awaiting their PUBACK, as a busy device would, and reconnects when the broker
     * goes away. A message counts as accepted once the broker's PUBACK came back; those still
     * unanswered when the connection drops are given up and numbering goes on.
     */
    private static final class LoadPublisher implements Runnable {

        private static final int WINDOW = 50;

        /** One connection with its messages in flight. */
        private final class Connection {
            final MqttClient client;
            final Semaphore window = new Semaphore(WINDOW);
            final Map<Integer, Integer> seqByPacketId = new ConcurrentHashMap<>();
            final Set<Integer> earlyPubAcks = ConcurrentHashMap.newKeySet();

            Connection(MqttClient client) {
                this.client = client;
                client.publishCompletionHandler(packetId -> {
                    Integer seq = seqByPacketId.remove(packetId);
                    if (seq != null) {
                        ackedAt.put(seq, System.nanoTime());
                    } else {
                        earlyPubAcks.add(packetId);
                    }
                    window.release();
                });
            }

            void publish(int seq) {
                Future<Integer> sent;
                try {
                    sent = client.publish(topic, Buffer.buffer(String.valueOf(seq)), MqttQoS.AT_LEAST_ONCE, false, false);
                } catch (NullPointerException closedMeanwhile) {
                    // Vert.x's client throws instead of failing the future when the connection closed
                    // after awaitRoom saw it up (MqttClientImpl.write: connection() is null).
                    unanswered.incrementAndGet();
                    window.release();
                    return;
                }
                sent
                        .onSuccess(packetId -> {
                            if (earlyPubAcks.remove(packetId)) {
                                ackedAt.put(seq, System.nanoTime());
                            } else {
                                seqByPacketId.put(packetId, seq);
                            }
                        })
                        .onFailure(e -> {
                            unanswered.incrementAndGet();
                            window.release();
                        });
            }

            /** Waits for room in the window while the connection is up, at most five seconds. */
            boolean awaitRoom() throws InterruptedException {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (System.nanoTime() < deadline && client.isConnected()) {
                    if (window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        return true;
                    }
                }
                return false;
            }

            void abandon() {
                unanswered.addAndGet(seqByPacketId.size());
                if (client.isConnected()) {
                    client.disconnect();
                }
            }
        }

        private final Vertx vertx;
        private final int port;
        private final String topic;
        private final Map<Integer, Long> ackedAt = new ConcurrentHashMap<>();
        private final AtomicInteger unanswered = new AtomicInteger();
        private volatile boolean running = true;

        LoadPublisher(Vertx vertx, int port, String topic) {
            this.vertx = vertx;
            this.port = port;
            this.topic = topic;
        }

        @Override
        public void run() {
            Connection connection = null;
            int seq = 0;
            try {
                while (running) {
                    if (connection == null || !connection.client.isConnected()) {
                        if (connection != null) {
                            connection.abandon();
                        }
                        connection = connect();
                        if (connection == null) {
                            Thread.sleep(100);
                            continue;
                        }
                    }
                    if (!connection.awaitRoom()) {
                        connection.abandon();
                        connection = null;
                        continue;
                    }
                    connection.publish(++seq);
                    if (seq % 10 == 0) {
                        Thread.sleep(10);
                    }
                }
                if (connection != null) {
                    // let the last PUBACKs come in
                    connection.window.tryAcquire(WINDOW, 5, TimeUnit.SECONDS);
                    connection.abandon();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private Connection connect() {
            MqttClient client = MqttClient.create(vertx, new MqttClientOptions().setClientId("restart-publisher")
                    .setCleanSession(true).setMaxInflightQueue(WINDOW));
            try {
                client.connect(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
                return new Connection(client);
            } catch (Exception brokerAway) {
                return null;
            }
        }

        int acked() {
            return ackedAt.size();
        }

        Map<Integer, Long> ackedAt() {
            return Map.copyOf(ackedAt);
        }

        int unanswered() {
            return unanswered.get();
        }

        void stop() {
            running = false;
        }
    }
}
