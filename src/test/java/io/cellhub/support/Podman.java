package io.cellhub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The podman command line, with the project's settings (deploy/podman/containers.conf: the runc
 * runtime and explicit ulimits) unless CONTAINERS_CONF is set, as scripts/image.sh uses it.
 */
public final class Podman {

    public static final Path CONTAINERS_CONF = Path.of("deploy/podman/containers.conf").toAbsolutePath();

    public record Result(int exitCode, String stdout, String stderr) {

        public boolean ok() {
            return exitCode == 0;
        }
    }

    private Podman() {
    }

    /** Runs {@code podman args...} and returns its output; fails if it exits non-zero. */
    public static String ok(String... args) {
        Result result = run(Duration.ofMinutes(5), args);
        if (!result.ok()) {
            throw new AssertionError("podman " + String.join(" ", args) + " exited with " + result.exitCode() + ": "
                    + result.stderr() + result.stdout());
        }
        return result.stdout().strip();
    }

    public static Result run(String... args) {
        return run(Duration.ofMinutes(5), args);
    }

    public static Result run(Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(args));
        return exec(command, timeout);
    }

    /** Runs any command with podman's environment (scripts/image.sh, for one). */
    public static Result exec(List<String> command, Duration timeout) {
        try {
            Path out = Files.createTempFile("podman", ".out");
            Path err = Files.createTempFile("podman", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
                builder.environment().putIfAbsent("CONTAINERS_CONF", CONTAINERS_CONF.toString());
                Process process;
                try {
                    process = builder.start();
                } catch (IOException e) {
                    throw new AssertionError(command.get(0) + " cannot be started (" + e.getMessage()
                            + "): install podman, buildah, runc and debootstrap as .ci/run does", e);
                }
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor();
                    throw new AssertionError(String.join(" ", command) + " did not end within " + timeout);
                }
                return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The container's log (stdout and stderr), or why it could not be read. */
    public static String logs(String container) {
        Result result = run("logs", container);
        return result.stdout() + result.stderr();
    }

    /** The last lines of the container's log, for failure messages. */
    public static String logTail(String container, int lines) {
        List<String> all = logs(container).lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
