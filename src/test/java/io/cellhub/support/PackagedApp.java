package io.cellhub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The packaged CellHub ({@code target/quarkus-app/quarkus-run.jar}) run as its own process, the
 * way the README starts it, configured only through environment variables.
 */
public final class PackagedApp implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The operator every packaged test app is started with; its login is checked like any other. */
    public static final String USER = "it-operator";
    public static final String PASSWORD = "it-operator-password";
    public static final String AUTHORIZATION = "Basic " + java.util.Base64.getEncoder()
            .encodeToString((USER + ":" + PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> env;
    private final Path log;
    private final int httpPort;
    private Process process;

    public PackagedApp(int httpPort, Map<String, String> env) {
        this.httpPort = httpPort;
        this.env = env;
        this.log = ScratchSpace.file("cellhub-it", ".log");
    }

    /**
     * The environment of a CellHub on an external broker at 127.0.0.1:{@code brokerPort}, with its
     * own data directory and no simulated fleet.
     */
    public static Map<String, String> externalBrokerEnv(int brokerPort, Path dataDir) {
        return Map.of(
                "CELLHUB_BROKER_EMBEDDED", "false",
                "CELLHUB_MQTT_HOST", "127.0.0.1",
                "CELLHUB_MQTT_PORT", String.valueOf(brokerPort),
                "CELLHUB_BROKER_PORT", String.valueOf(FreePort.find()),
                "CELLHUB_DATA_DIR", dataDir.toString(),
                "CELLHUB_FLEET_ENABLED", "false");
    }

    /** How often each payload on {@code topic} is in the journal. */
    public Map<String, Integer> journalCounts(String topic) {
        Map<String, Integer> counts = new HashMap<>();
        try {
            for (JsonNode row : JSON.readTree(get("/api/journal?topic=" + topic + "&limit=100000"))) {
                counts.merge(row.get("payload").asText(), 1, Integer::sum);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return counts;
    }

    public PackagedApp start() {
        return start(Duration.ofSeconds(60));
    }

    /** Starts and waits up to {@code readiness} for {@code /q/health/ready}. */
    public PackagedApp start(Duration readiness) {
        String jar = System.getProperty("cellhub.app.jar", "target/quarkus-app/quarkus-run.jar");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + Path.of("jvm.options").toAbsolutePath(),
                "-Dcellhub.security.users." + USER + ".role=operator",
                "-Dcellhub.security.users." + USER + ".password=" + PASSWORD,
                "-jar", jar));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(httpPort));
        builder.environment().putAll(env);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            awaitReady(readiness);
        } catch (AssertionError | RuntimeException notReady) {
            // no caller holds this instance yet: left running, the process would outlive the test run
            kill();
            throw notReady;
        }
        return this;
    }

    /** Graceful stop (SIGTERM), as a container runtime or Ctrl-C does. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("CellHub did not stop within 30 s; log: " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** SIGKILL: no shutdown hook, no flush, nothing graceful. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    public String get(String path) {
        return get(path, Duration.ofSeconds(10));
    }

    /** GET with a longer wait, for a CellHub busy taking in a burst. */
    public String get(String path, Duration timeout) {
        HttpResponse<String> response = request(path, timeout);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** POSTs JSON as the operator. */
    public HttpResponse<String> post(String path, String json) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("Authorization", AUTHORIZATION)
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public HttpResponse<String> request(String path) {
        return request(path, Duration.ofSeconds(10));
    }

    public HttpResponse<String> request(String path, Duration timeout) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                    .header("Authorization", AUTHORIZATION).timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    /**
     * The last lines of the app's log, for a failure message: the log itself sits in the scratch
     * space, which is gone once the test JVM exits.
     */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(" + log + " could not be read: " + e + ")";
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("CellHub exited with " + process.exitValue() + "; log: " + log);
            }
            try {
                if (request("/q/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (UncheckedIOException notListeningYet) {
                // keep waiting
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("CellHub was not ready within " + timeout + "; log: " + log);
    }
}
