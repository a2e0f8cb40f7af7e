package io.cellhub.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cellhub.support.ContainerImages;
import io.cellhub.support.FreePort;
import io.cellhub.support.MqttTestClient;
import io.cellhub.support.Podman;

/**
 * CellHub's JVM image, built by scripts/image.sh from this build, run with podman on its embedded
 * broker and PostgreSQL: configured only through environment variables, ready, answering MQTT and
 * HTTP, stopped gracefully by SIGTERM, and started again on the same volume with its data.
 */
class ContainerImageIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String USER = "itoperator";
    private static final String PASSWORD = "it-operator-password-" + UUID.randomUUID();
    private static final String AUTHORIZATION = "Basic "
            + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));

    private final String name = "cellhub-image-it-" + UUID.randomUUID().toString().substring(0, 8);
    private final String volume = name + "-data";
    private final int httpPort = FreePort.find();
    private final int brokerPort = FreePort.find();
    private final List<String> containers = new ArrayList<>();

    @AfterEach
    void removeContainersAndVolume() {
        containers.forEach(c -> Podman.run("rm", "--force", "--time", "5", c));
        Podman.run("volume", "rm", "--force", volume);
    }

    @Test
    void imageRunsAsNonRootKeepsItsDataInAVolumeAndStopsGracefully() throws Exception {
        String image = ContainerImages.build().app();
        assertThat(Podman.ok("image", "inspect", "--format", "{{.Config.User}}", image)).isEqualTo("185");
        assertThat(Podman.ok("image", "inspect", "--format", "{{json .Config.Volumes}}", image))
                .contains("/deployments/data");
        Podman.ok("volume", "create", volume);

        String first = start(image, "first");
        assertThat(Podman.ok("exec", first, "id", "-u")).as("the JVM's user").isEqualTo("185");
        try (MqttTestClient device = MqttTestClient.connect("127.0.0.1", brokerPort, "image-it-device", true)) {
            device.publish("imagecell/temperature1", "21.5", 1, true);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> topics("imagecell/%23").size() == 1);
        assertThat(topics("imagecell/%23").get(0).get("number").asDouble()).isEqualTo(21.5);
        JsonNode status = JSON.readTree(get("/api/status").body());
        assertThat(status.get("embeddedBroker").asBoolean()).isTrue();
        assertThat(status.get("broker").asText()).as("CELLHUB_BROKER_PORT in effect").endsWith(":" + brokerPort);
        assertThat(get("/api/status", "Basic " + Base64.getEncoder().encodeToString("itoperator:wrong".getBytes()))
                .statusCode()).as("the operator configured through the environment, with its own password").isEqualTo(401);

        long stopStarted = System.nanoTime();
        Podman.ok("stop", "--time", "60", first); // SIGTERM, SIGKILL only after 60 s
        Duration stopping = Duration.ofNanos(System.nanoTime() - stopStarted);
        String log = Podman.logs(first);
        assertThat(Podman.ok("inspect", "--format", "{{.State.ExitCode}}", first))
                .as("exit status of a JVM ended by SIGTERM (137 would be SIGKILL); stop took %s; log:%n%s", stopping, log)
                .isEqualTo("143");
        assertThat(log).containsPattern("Snapshot \\d+ \\(shutdown\\) of \\d+ topic")
                .contains("Embedded PostgreSQL stopped").doesNotContain("did not stop cleanly")
                .contains("cellhub stopped in");

        start(image, "second");
        await().atMost(Duration.ofSeconds(15)).until(() -> topics("imagecell/%23").size() == 1);
        JsonNode topic = topics("imagecell/%23").get(0);
        assertThat(topic.get("payload").asText()).isEqualTo("21.5");
        assertThat(topic.get("retained").asBoolean()).as("re-sent by the embedded broker from the volume").isTrue();
        assertThat(JSON.readTree(get("/api/status").body()).get("starts").asLong())
                .as("the embedded PostgreSQL's rows in the volume: both starts").isEqualTo(2);
        assertThat(JSON.readTree(get("/api/snapshots").body()).findValuesAsText("trigger")).contains("shutdown");
    }

    /** A new container on the volume, ready; its name. */
    private String start(String image, String which) {
        String container = name + "-" + which;
        containers.add(container);
        List<String> run = new ArrayList<>(List.of("run", "--detach", "--name", container, "--network", "host",
                "--volume", volume + ":/deployments/data"));
        Map.of("QUARKUS_HTTP_PORT", String.valueOf(httpPort),
                "CELLHUB_BROKER_PORT", String.valueOf(brokerPort),
                // The image listens on 0.0.0.0; on the host's network the test keeps the broker on loopback.
                "CELLHUB_BROKER_HOST", "127.0.0.1",
                "CELLHUB_FLEET_ENABLED", "false",
                "CELLHUB_SECURITY_USERS_" + USER.toUpperCase() + "_ROLE", "operator",
                "CELLHUB_SECURITY_USERS_" + USER.toUpperCase() + "_PASSWORD", PASSWORD)
                .forEach((key, value) -> run.addAll(List.of("--env", key + "=" + value)));
        run.add(image);
        Podman.ok(run.toArray(String[]::new));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!"true".equals(Podman.ok("inspect", "--format", "{{.State.Running}}", container))) {
                throw new AssertionError(container + " ended before it was ready:\n" + Podman.logTail(container, 60));
            }
            try {
                if (get("/q/health/ready").statusCode() == 200) {
                    return container;
                }
            } catch (UncheckedIOException notListeningYet) {
                // keep waiting
            }
            sleep(Duration.ofMillis(500));
        }
        throw new AssertionError(container + " was not ready within 120 s:\n" + Podman.logTail(container, 60));
    }

    private JsonNode topics(String filter) throws IOException {
        HttpResponse<String> response = get("/api/topics?filter=" + filter);
        assertThat(response.statusCode()).as("GET /api/topics: %s", response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> get(String path) {
        return get(path, AUTHORIZATION);
    }

    private HttpResponse<String> get(String path, String authorization) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                    .header("Authorization", authorization).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
