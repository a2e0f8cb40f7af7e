package io.cellhub.broker;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.activemq.artemis.core.server.ActivateCallback;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.jboss.logging.Logger;

/**
 * The embedded broker, started again when it stops by itself. Artemis stops itself for good on a
 * critical IO error of its journal or paging store ({@code AMQ222010}: a disk error, a full disk, or,
 * seen here under device churn with every address paging, a paged file deleted while a queue read it);
 * inside CellHub nothing else would start it again, and every device would be cut off until someone
 * restarted the process. This starts it again from the same data directory, so retained messages,
 * persistent sessions and their queued messages are kept: after {@link #FIRST_DELAY}, and while starting
 * fails, again with the delay doubled up to {@link #LONGEST_DELAY}.
 * <p>
 * It learns of the stop through Artemis's public {@link ActivateCallback} (called at the end of every
 * stop) and of its cause through an {@link org.apache.activemq.artemis.core.io.IOCriticalErrorListener};
 * a stop CellHub asked for ({@link #close}) is not restarted.
 * <p>
 * That stop is bounded ({@code cellhub.broker.stop-timeout}): Artemis's page cleanup can hold an address's
 * paging store for minutes after heavy paging (closing thousands of page files, each with an fsync), and
 * its stop waits for it. CellHub then stops without the broker, as after a crash, which Artemis's journal
 * recovers from at the next start; otherwise the process would outlive its SIGTERM, and the embedded
 * PostgreSQL, stopped after the broker, would be left running.
 */
final class RestartingBroker implements AutoCloseable {

    static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    static final Duration LONGEST_DELAY = Duration.ofSeconds(30);
    private static final Duration LONGEST_STOP = Duration.ofSeconds(30);
    private static final Logger LOG = Logger.getLogger(RestartingBroker.class);

    private final Callable<ArtemisBroker> starter;
    private final Duration stopTimeout;
    private final ScheduledExecutorService restarter = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "cellhub-broker-restart");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicReference<ArtemisBroker> running = new AtomicReference<>();
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private final AtomicLong restarts = new AtomicLong();
    private volatile String down;
    private volatile boolean closed;

    private RestartingBroker(Callable<ArtemisBroker> starter, Duration stopTimeout) {
        this.starter = starter;
        this.stopTimeout = stopTimeout;
    }

    /**
     * Starts the broker with {@code starter}, and again with it whenever the broker stops by itself;
     * {@link #close} waits at most {@code stopTimeout} for it to stop.
     */
    static RestartingBroker start(Callable<ArtemisBroker> starter, Duration stopTimeout) throws Exception {
        RestartingBroker broker = new RestartingBroker(starter, stopTimeout);
        broker.watch(starter.call());
        return broker;
    }

    /** The running broker's server; the stopped one's while a restart is pending. */
    ActiveMQServer server() {
        return running.get().server();
    }

    /** Why the broker is not running, while it is not; empty while it runs. */
    Optional<String> down() {
        return Optional.ofNullable(down);
    }

    /** How often the broker was started again after it had stopped by itself. */
    long restarts() {
        return restarts.get();
    }

    private void watch(ArtemisBroker broker) {
        ActiveMQServer server = broker.server();
        server.registerIOCriticalErrorListener((cause, message, file) -> lastError.set(
                (cause == null ? message : cause.toString()) + (file == null ? "" : " (file " + file + ")")));
        server.registerActivateCallback(new ActivateCallback() {
            @Override
            public void stop(ActiveMQServer stopped) {
                stoppedByItself(stopped);
            }

            @Override
            public void shutdown(ActiveMQServer stopped) {
                stoppedByItself(stopped);
            }
        });
        running.set(broker);
    }

    private void stoppedByItself(ActiveMQServer stopped) {
        ArtemisBroker broker = running.get();
        if (closed || broker == null || broker.server() != stopped) {
            return;
        }
        String error = lastError.getAndSet(null);
        down = "it stopped by itself" + (error == null ? "" : " after a critical IO error: " + error);
        LOG.errorf("The embedded MQTT broker stopped by itself (%s); devices cannot connect until it runs again. "
                + "CellHub starts it again from %s in %d s, keeping its retained messages and sessions. If this "
                + "repeats, check that disk (free space, errors) and the log above.",
                error == null ? "no error reported" : "critical IO error: " + error,
                stopped.getConfiguration().getJournalLocation().getParentFile(), FIRST_DELAY.toSeconds());
        schedule(broker, FIRST_DELAY);
        try {
            broker.stoppedByItself();
        } catch (RuntimeException e) {
            LOG.warn("Could not report the embedded broker's clients as disconnected", e);
        }
    }

    private void schedule(ArtemisBroker stopped, Duration delay) {
        restarter.schedule(() -> restart(stopped, delay), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void restart(ArtemisBroker stopped, Duration delay) {
        if (closed) {
            return;
        }
        long begun = System.nanoTime();
        try {
            awaitStopped(stopped.server());
            stopped.close();
            ArtemisBroker started = starter.call();
            synchronized (this) {
                if (closed) {
                    started.close();
                    return;
                }
                watch(started);
            }
            down = null;
            restarts.incrementAndGet();
            LOG.infof("Embedded MQTT broker running again (restart %d, started in %d ms); devices and CellHub's own "
                    + "connections reconnect to it", restarts.get(), (System.nanoTime() - begun) / 1_000_000);
        } catch (Exception e) {
            Duration next = delay.multipliedBy(2).compareTo(LONGEST_DELAY) > 0 ? LONGEST_DELAY : delay.multipliedBy(2);
            down = "it stopped by itself and could not be started again: " + e.getMessage();
            LOG.errorf(e, "The embedded MQTT broker could not be started again (%s); trying again in %d s",
                    e.getMessage(), next.toSeconds());
            schedule(stopped, next);
        }
    }

    /** Artemis calls the stop callbacks before its stop has finished; its port and files are free after. */
    private static void awaitStopped(ActiveMQServer server) throws InterruptedException {
        long deadline = System.nanoTime() + LONGEST_STOP.toNanos();
        while (server.getState() != ActiveMQServer.SERVER_STATE.STOPPED && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    /**
     * Stops the broker, waiting at most the stop timeout for it.
     *
     * @return false when the broker was still stopping at the timeout: it goes on in a daemon thread
     */
    boolean stop() throws Exception {
        synchronized (this) {
            closed = true;
        }
        restarter.shutdownNow();
        ArtemisBroker broker = running.get();
        FutureTask<Void> stopping = new FutureTask<>(() -> {
            broker.close();
            return null;
        });
        Thread stopper = new Thread(stopping, "cellhub-broker-stop");
        stopper.setDaemon(true);
        stopper.start();
        try {
            stopping.get(stopTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            LOG.warnf("The embedded MQTT broker did not stop within %d s (cellhub.broker.stop-timeout): Artemis is still "
                    + "busy, most often cleaning up paged messages in %s. CellHub stops without waiting for it; the broker "
                    + "recovers its journal and paging files at the next start, as after a crash.", stopTimeout.toSeconds(),
                    broker.server().getConfiguration().getPagingLocation());
            return false;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
