package io.cellhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;


import io.cellhub.support.FreePort;
import io.cellhub.support.Mosquitto;
import io.cellhub.support.MqttTestClient;
import io.cellhub.support.PackagedApp;
import io.cellhub.support.ScratchSpace;

/**
 * At-least-once: a publisher sends 20,000 QoS 1 messages; CellHub is killed with SIGKILL midway and
 * restarted on the same data directory; every message ends up in the journal at least once. Through
 * Debian's Mosquitto, which keeps the messages while CellHub is away; and on the embedded broker,
 * which dies with CellHub: there every message the broker acknowledged to the device before the
 * SIGKILL must have been on disk, because the device never sends it again.
 */
class JournalCrashIT {

    private static final int MESSAGES = 20_000;

    @Test
    void noAcknowledgedMessageIsLostWhenCellHubIsKilledBehindMosquitto() throws Exception {
        try (Mosquitto mosquitto = new Mosquitto(FreePort.find()).start()) {
            Path dataDir = ScratchSpace.directory("cellhub-crash");
            killMidwayAndRestart(PackagedApp.externalBrokerEnv(mosquitto.port(), dataDir), mosquitto.port());
        }
    }

    @Test
    void noAcknowledgedMessageIsLostWhenCellHubIsKilledWithItsEmbeddedBroker() throws Exception {
        int brokerPort = FreePort.find();
        killMidwayAndRestart(Map.of(
                "CELLHUB_BROKER_PORT", String.valueOf(brokerPort),
                "CELLHUB_DATA_DIR", ScratchSpace.directory("cellhub-crash-embedded").toString(),
                "CELLHUB_FLEET_ENABLED", "false"), brokerPort);
    }

    private void killMidwayAndRestart(Map<String, String> env, int brokerPort) throws Exception {
        int httpPort = FreePort.find();
        PackagedApp first = new PackagedApp(httpPort, env).start();
        AtomicInteger sent = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> publishAll(brokerPort, sent, stop));
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> journaledRows(first) >= MESSAGES / 4 || publisher.isDone());
            assertThat(publisher).as("the publisher must still be running when CellHub is killed").isNotDone();
            first.kill();
            int sentAtKill = sent.get();

            try (PackagedApp second = new PackagedApp(httpPort, env).start()) {
                publisher.get(180, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> second.journalCounts("crash/seq").size() == MESSAGES);
                Map<String, Integer> counts = second.journalCounts("crash/seq");
                int duplicates = counts.values().stream().mapToInt(n -> n - 1).sum();
                System.out.printf("JournalCrashIT: %d sent (%d acknowledged before the SIGKILL), %d journaled distinct, "
                        + "0 lost, %d duplicate rows%n", MESSAGES, sentAtKill, counts.size(), duplicates);
                for (int i = 1; i <= MESSAGES; i++) {
                    assertThat(counts).as("message %d is in the journal", i).containsKey(String.valueOf(i));
                }
            }
        } finally {
            stop.set(true);
            first.kill();
            publisher.cancel(true);
        }
    }

    /**
     * Publishes 1..MESSAGES at QoS 1, each after the last one's PUBACK, as a device does; when the
     * broker goes away it reconnects and sends again the message that got no PUBACK.
     */
    private static void publishAll(int port, AtomicInteger sent, AtomicBoolean stop) {
        int next = 1;
        while (next <= MESSAGES && !stop.get()) {
            try (MqttTestClient client = MqttTestClient.connect(port, "crash-publisher")) {
                for (; next <= MESSAGES; next++) {
                    client.publishAcknowledged("crash/seq", String.valueOf(next));
                    sent.set(next);
                }
            } catch (AssertionError | RuntimeException brokerGone) {
                sleep(200);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long journaledRows(PackagedApp app) {
        try {
            for (String line : app.get("/q/metrics").split("\n")) {
                if (line.startsWith("cellhub_journal_rows_total")) {
                    return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        } catch (RuntimeException notReady) {
            // keep polling
        }
        return 0;
    }

}
