package io.cellhub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's Mosquitto, started on a free loopback port for interop tests. */
public final class Mosquitto implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/sbin/mosquitto");

    private final int port;
    private final Path config;
    private final Path log;
    private Process process;

    public Mosquitto(int port) {
        this(port, List.of("listener " + port + " 127.0.0.1", "allow_anonymous true"));
    }

    /**
     * A Mosquitto with its own listener and access lines (TLS, password file), plus the queue settings
     * every test broker has.
     */
    public Mosquitto(int port, List<String> listener) {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException("Debian's Mosquitto is needed for the interop tests: apt-get install mosquitto "
                    + "(.ci/run installs it)");
        }
        this.port = port;
        try {
            Path dir = ScratchSpace.directory("cellhub-mosquitto");
            config = dir.resolve("mosquitto.conf");
            log = dir.resolve("mosquitto.log");
            List<String> lines = new java.util.ArrayList<>(listener);
            lines.addAll(List.of("persistence false", "max_queued_messages 0", "max_inflight_messages 1000", ""));
            Files.writeString(config, String.join("\n", lines));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** Adds lines to the configuration, for the next start; a later line wins over the defaults above. */
    public Mosquitto configure(String... lines) {
        try {
            Files.writeString(config, String.join("\n", lines) + "\n", java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** What the broker logged since its last start. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized Mosquitto start() {
        try {
            process = new ProcessBuilder(BINARY.toString(), "-c", config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return this;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    break;
                }
                sleep(50);
            }
        }
        throw new IllegalStateException("Mosquitto did not start on port " + port + "; see " + log);
    }

    public synchronized void stop() {
        if (process != null) {
            process.destroy();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
