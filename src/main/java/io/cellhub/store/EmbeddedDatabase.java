package io.cellhub.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server run from the binaries CellHub ships, with its cluster under
 * {@code <data-dir>/postgres}. One per data directory and JVM; it stops after CellHub's own shutdown
 * ({@link EmbeddedDatabaseShutdown}), and at the latest when the JVM exits.
 */
final class EmbeddedDatabase {

    static final String DATABASE = "cellhub";
    static final String USER = "postgres";

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);
    private static final long SHUTDOWN_GRACE_SECONDS = 20;
    private static final CountDownLatch STOPPED = new CountDownLatch(1);
    private static EmbeddedDatabase running;
    private static EarlyStart earlyStart;

    private final Path directory;
    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(Path directory, EmbeddedPostgres postgres) {
        this.directory = directory;
        this.postgres = postgres;
    }

    /**
     * Starts the server for this directory on a thread of its own and returns at once. {@link #start}
     * with the same directory and port then waits for it; {@link #start} with another directory or
     * port, or {@link #discardBackgroundStart}, stops it.
     */
    static synchronized void startInBackground(Path directory, int port) {
        if (earlyStart != null) {
            return;
        }
        Path absolute = directory.toAbsolutePath().normalize();
        CompletableFuture<EmbeddedDatabase> started = new CompletableFuture<>();
        earlyStart = new EarlyStart(absolute, port, started);
        Thread thread = new Thread(() -> {
            try {
                started.complete(launch(absolute, port));
            } catch (RuntimeException | Error e) {
                started.completeExceptionally(e);
            }
        }, "cellhub-embedded-postgresql-start");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * The server for this directory: the one {@link #startInBackground} started, once it is up, or
     * the one this JVM already runs there, or a new one.
     */
    static EmbeddedDatabase start(Path directory, int port) {
        Path absolute = directory.toAbsolutePath().normalize();
        EarlyStart early = claimEarlyStart();
        if (early != null && early.directory().equals(absolute) && early.port() == port) {
            try {
                return early.started().join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }
        if (early != null) {
            discard(early, "the runtime configuration asks for " + absolute + " on port " + port);
        }
        return launch(absolute, port);
    }

    /**
     * Stops the server {@link #startInBackground} started, if any: the runtime configuration, which
     * may hold values the static-init one did not (an external database URL), does not want it.
     */
    static void discardBackgroundStart(String reason) {
        EarlyStart early = claimEarlyStart();
        if (early != null) {
            discard(early, reason);
        }
    }

    private static synchronized EarlyStart claimEarlyStart() {
        EarlyStart early = earlyStart;
        earlyStart = null;
        return early;
    }

    private static void discard(EarlyStart early, String reason) {
        EmbeddedDatabase unwanted;
        try {
            unwanted = early.started().join();
        } catch (CompletionException failedToStart) {
            return;
        }
        synchronized (EmbeddedDatabase.class) {
            if (running == unwanted) {
                running = null;
            }
        }
        try {
            unwanted.postgres.close();
            LOG.infof("Stopped the embedded PostgreSQL started early in %s: %s", unwanted.directory, reason);
        } catch (IOException e) {
            LOG.warnf("The embedded PostgreSQL started early in %s did not stop cleanly: %s", unwanted.directory, e.getMessage());
        }
    }

    private record EarlyStart(Path directory, int port, CompletableFuture<EmbeddedDatabase> started) {
    }

    private static synchronized EmbeddedDatabase launch(Path absolute, int port) {
        if (running != null && running.directory.equals(absolute)) {
            return running;
        }
        long started = System.nanoTime();
        try {
            Files.createDirectories(absolute);
            stopOrphan(absolute.resolve("cluster"));
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(absolute.resolve("cluster"))
                    .setCleanDataDirectory(false)
                    .setOverrideWorkingDirectory(absolute.resolve("binaries").toFile())
                    .setPGStartupWait(Duration.ofSeconds(30))
                    // zonky tunes for throwaway test databases (-F, synchronous_commit=off);
                    // CellHub keeps real data here, so committed means on disk.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    // Our own hook below: zonky's would stop PostgreSQL in parallel with Quarkus's shutdown,
                    // before the last retained-mirror flush and the shutdown snapshot are written.
                    .setRegisterShutdownHook(false);
            if (port > 0) {
                builder.setPort(port);
            }
            boolean unpacks = isEmpty(absolute.resolve("binaries"));
            EmbeddedPostgres postgres = builder.start();
            if (unpacks) {
                releaseUnpackingMemory();
            }
            createDatabaseIfMissing(postgres);
            running = new EmbeddedDatabase(absolute, postgres);
            Runtime.getRuntime().addShutdownHook(new Thread(EmbeddedDatabase::stopWhenCellHubHasStopped,
                    "cellhub-embedded-postgresql-stop"));
            LOG.infof("Embedded PostgreSQL listening on 127.0.0.1:%d (database '%s', user '%s'), data in %s, started in %d ms",
                    postgres.getPort(), DATABASE, USER, absolute, Duration.ofNanos(System.nanoTime() - started).toMillis());
            return running;
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("The embedded PostgreSQL could not start in " + absolute + " (" + e.getMessage()
                    + "). Check that the directory is writable and not used by another CellHub, or set "
                    + "QUARKUS_DATASOURCE_JDBC_URL to use an external PostgreSQL.", e);
        }
    }

    private static boolean isEmpty(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return true;
        }
        try (var entries = Files.list(directory)) {
            return entries.findAny().isEmpty();
        }
    }

    /**
     * The first start in a data directory unpacks PostgreSQL's binaries, reading tens of MB at a time
     * (the XZ dictionary, whole files) into arrays too large for the young generation: the old one
     * grows to hold them and keeps that size, and its pages, for the life of the process (about 35 MB
     * of heap and 50 MB of RSS more than a later start, with {@code jvm.options}). A full collection now,
     * while little else lives, lets the serial collector shrink the heap back to its initial size.
     * Only this once; later starts find the binaries.
     */
    private static void releaseUnpackingMemory() {
        long started = System.nanoTime();
        System.gc();
        LOG.debugf("Collected the memory of unpacking PostgreSQL's binaries in %d ms",
                Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    /**
     * Stops a PostgreSQL left running on this cluster by a CellHub that was killed (SIGKILL, OOM):
     * it would keep the cluster locked and this start would fail.
     */
    private static void stopOrphan(Path cluster) throws IOException {
        Path pidFile = cluster.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty()) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).strip());
        } catch (NumberFormatException e) {
            return;
        }
        Optional<ProcessHandle> orphan = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(cluster.toString())).orElse(false));
        if (orphan.isEmpty()) {
            return;
        }
        LOG.warnf("Stopping the PostgreSQL (pid %d) that a previous CellHub left running on %s", pid, cluster);
        orphan.get().destroy();
        try {
            orphan.get().onExit().get(15, TimeUnit.SECONDS);
        } catch (Exception notYet) {
            orphan.get().destroyForcibly();
        }
    }

    /**
     * Stops the server once CellHub has shut down ({@link #stop()}), or after a grace period when it
     * never does, so that PostgreSQL does not outlive the JVM.
     */
    private static void stopWhenCellHubHasStopped() {
        try {
            STOPPED.await(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop();
    }

    /** Stops the server this JVM runs, if any. */
    static synchronized void stop() {
        if (running != null) {
            try {
                running.postgres.close();
                LOG.infof("Embedded PostgreSQL stopped");
            } catch (IOException e) {
                LOG.warnf("Embedded PostgreSQL did not stop cleanly: %s", e.getMessage());
            }
            running = null;
        }
        STOPPED.countDown();
    }

    String jdbcUrl() {
        return postgres.getJdbcUrl(USER, DATABASE);
    }

    private static void createDatabaseIfMissing(EmbeddedPostgres postgres) throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            try (ResultSet exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                if (exists.next()) {
                    return;
                }
            }
            statement.execute("CREATE DATABASE " + DATABASE);
        }
    }
}
