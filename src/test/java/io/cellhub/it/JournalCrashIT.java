package io.cellhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;


import io.cellhub.support.FreePort;
import io.cellhub.support.Mosquitto;
import io.cellhub.support.MqttTestClient;
import io.cellhub.support.PackagedApp;
import io.cellhub.support.ScratchSpace;

/**
 * At-least-once: a publisher sends 20,000 QoS 1 messages through Debian's Mosquitto; CellHub is
 * killed with SIGKILL midway and restarted with the same client id; every message ends up in the
 * journal at least once.
 */
class JournalCrashIT {

    private static final int MESSAGES = 20_000;

    @Test
    void noAcknowledgedMessageIsLostWhenCellHubIsKilled() throws Exception {
        try (Mosquitto mosquitto = new Mosquitto(FreePort.find()).start()) {
            Path dataDir = ScratchSpace.directory("cellhub-crash");
            int httpPort = FreePort.find();
            Map<String, String> env = PackagedApp.externalBrokerEnv(mosquitto.port(), dataDir);

            PackagedApp first = new PackagedApp(httpPort, env).start();
            AtomicInteger sent = new AtomicInteger();
            CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
                try (MqttTestClient client = MqttTestClient.connect(mosquitto.port(), "crash-publisher")) {
                    for (int i = 1; i <= MESSAGES; i++) {
                        client.publishAcknowledged("crash/seq", String.valueOf(i));
                        sent.set(i);
                    }
                }
            });
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> journaledRows(first) >= MESSAGES / 4 || publisher.isDone());
                assertThat(publisher).as("the publisher must still be running when CellHub is killed").isNotDone();
                first.kill();
                int sentAtKill = sent.get();

                try (PackagedApp second = new PackagedApp(httpPort, env).start()) {
                    publisher.get(120, TimeUnit.SECONDS);
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                            .until(() -> second.journalCounts("crash/seq").size() == MESSAGES);
                    Map<String, Integer> counts = second.journalCounts("crash/seq");
                    int duplicates = counts.values().stream().mapToInt(n -> n - 1).sum();
                    System.out.printf("JournalCrashIT: %d sent (%d before the SIGKILL), %d journaled distinct, 0 lost, "
                            + "%d duplicate rows%n", MESSAGES, sentAtKill, counts.size(), duplicates);
                    for (int i = 1; i <= MESSAGES; i++) {
                        assertThat(counts).as("message %d is in the journal", i).containsKey(String.valueOf(i));
                    }
                }
            } finally {
                first.kill();
                publisher.cancel(true);
            }
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
