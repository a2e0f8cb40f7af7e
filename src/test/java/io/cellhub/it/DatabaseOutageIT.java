package io.cellhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.cellhub.support.FreePort;
import io.cellhub.support.Mosquitto;
import io.cellhub.support.MqttTestClient;
import io.cellhub.support.PackagedApp;
import io.cellhub.support.ScratchSpace;

/**
 * PostgreSQL stops answering for 20 s under load (every PostgreSQL process frozen with SIGSTOP):
 * readiness reports the database DOWN and then UP again, the live state keeps updating from QoS 0
 * traffic, and every QoS 1 message the broker accepted ends up in the journal.
 */
class DatabaseOutageIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void nothingAcknowledgedIsLostWhileTheDatabaseIsAway() throws Exception {
        try (Mosquitto mosquitto = new Mosquitto(FreePort.find()).start()) {
            Path dataDir = ScratchSpace.directory("cellhub-outage");
            Map<String, String> env = PackagedApp.externalBrokerEnv(mosquitto.port(), dataDir);
            try (PackagedApp app = new PackagedApp(FreePort.find(), env).start()) {
                AtomicBoolean publishing = new AtomicBoolean(true);
                AtomicInteger sent = new AtomicInteger();
                CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
                    try (MqttTestClient client = MqttTestClient.connect(mosquitto.port(), "outage-publisher")) {
                        for (int i = 1; publishing.get(); i++) {
                            client.publishAcknowledged("outage/seq", String.valueOf(i));
                            client.publish("outage/live", String.valueOf(i), 0, false);
                            sent.set(i);
                            Thread.sleep(10);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                await().atMost(Duration.ofSeconds(20)).until(() -> sent.get() > 100);

                List<Long> postgres = postgresProcesses(dataDir.resolve("postgres/cluster"));
                signal("-STOP", postgres);
                try {
                    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> app.request("/q/health/ready").statusCode() == 503);
                    assertThat(app.request("/q/health/live").statusCode()).isEqualTo(200);
                    long liveBefore = liveCount(app);
                    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> liveCount(app) > liveBefore + 50);
                    Thread.sleep(Duration.ofSeconds(20).toMillis());
                } finally {
                    signal("-CONT", postgres);
                }
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> app.request("/q/health/ready").statusCode() == 200);
                Thread.sleep(2000);
                publishing.set(false);
                publisher.get(60, TimeUnit.SECONDS);
                int last = sent.get();

                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> app.journalCounts("outage/seq").size() >= last);
                Map<String, Integer> counts = app.journalCounts("outage/seq");
                int duplicates = counts.values().stream().mapToInt(n -> n - 1).sum();
                System.out.printf("DatabaseOutageIT: %d QoS 1 messages acknowledged by the broker, %d journaled distinct, "
                        + "%d duplicate rows%n", last, counts.size(), duplicates);
                for (int i = 1; i <= last; i++) {
                    assertThat(counts).as("message %d is in the journal", i).containsKey(String.valueOf(i));
                }
            }
        }
    }

    private static List<Long> postgresProcesses(Path cluster) throws Exception {
        long postmaster = Long.parseLong(Files.readAllLines(cluster.resolve("postmaster.pid")).get(0).strip());
        List<Long> pids = new ArrayList<>();
        ProcessHandle handle = ProcessHandle.of(postmaster).orElseThrow();
        pids.add(handle.pid());
        handle.descendants().forEach(child -> pids.add(child.pid()));
        return pids;
    }

    private static void signal(String signal, List<Long> pids) throws Exception {
        List<String> command = new ArrayList<>(List.of("kill", signal));
        pids.forEach(pid -> command.add(String.valueOf(pid)));
        assertThat(new ProcessBuilder(command).inheritIO().start().waitFor()).isZero();
    }

    private static long liveCount(PackagedApp app) throws Exception {
        var response = app.request("/api/topics/outage/live");
        return response.statusCode() == 200 ? JSON.readTree(response.body()).get("count").asLong() : 0;
    }

}
