package io.cellhub.journal;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.cellhub.store.JdbcTransaction;
import io.cellhub.topic.Backlog;
import io.cellhub.topic.Backlogs;
import io.cellhub.topic.DurableLog;
import io.cellhub.topic.TopicFilter;
import io.cellhub.topic.TopicMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The notebook's {@code all_messages}, made durable: every received message on a journaled topic
 * becomes a row of {@code journal}, and a QoS 1 message's PUBACK goes out only after its row is
 * committed. One writer thread takes whatever has arrived (up to {@code cellhub.journal.batch-size})
 * and writes it with one {@code COPY} in one transaction, so the batch grows with the load and the
 * latency stays one commit.
 * <p>
 * When the database fails, the writer keeps its batch and retries with backoff; no PUBACK goes out,
 * so the broker stops sending once its in-flight window for CellHub is full and holds the rest.
 * Unacknowledged QoS 1 messages are what the broker redelivers after a crash: nothing acknowledged
 * is lost, and duplicates are bounded by that window. QoS 0 messages need no PUBACK, so nothing
 * stops the broker for them: waiting QoS 0 rows are the {@code journal} {@link Backlog}, and at
 * {@code cellhub.journal.backlog} of them ingest stops reading until the writer has caught up
 * halfway. None is dropped.
 */
@Singleton
public class Journal implements DurableLog {

    private static final Logger LOG = Logger.getLogger(Journal.class);
    private static final long MAX_BACKOFF_MILLIS = 2_000;

    private record Pending(TopicMessage message, Runnable whenDurable) {
    }

    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final AgroalDataSource dataSource;
    private final JournalConfig config;
    private final List<TopicFilter> filters;
    private final Counter written;
    private final Counter failedWrites;
    private final Backlog qos0Backlog;
    private final Timer commitLag;
    private volatile boolean running;
    private Thread writer;

    public Journal(AgroalDataSource dataSource, JournalConfig config, MeterRegistry registry, Backlogs backlogs) {
        this.dataSource = dataSource;
        this.config = config;
        this.filters = config.filters().stream().map(TopicFilter::parse).toList();
        this.written = Counter.builder("cellhub.journal.rows").description("Rows committed to the journal").register(registry);
        this.failedWrites = Counter.builder("cellhub.journal.write.failures")
                .description("Journal batches that failed and were retried").register(registry);
        this.qos0Backlog = backlogs.create("journal", config.backlog());
        this.commitLag = Timer.builder("cellhub.journal.commit.lag")
                .description("Time from receipt to commit of the oldest row of each committed batch")
                .register(registry);
        Gauge.builder("cellhub.journal.pending", queue, BlockingQueue::size)
                .description("Messages waiting for the journal").register(registry);
    }

    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 20) StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        running = true;
        writer = new Thread(this::writeLoop, "cellhub-journal-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Writes what has arrived, then stops; what is not written is not acknowledged and will be redelivered. */
    void stop(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER) ShutdownEvent event) throws InterruptedException {
        running = false;
        if (writer != null) {
            writer.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    @Override
    public boolean records(String topic) {
        if (!config.enabled()) {
            return false;
        }
        for (TopicFilter filter : filters) {
            if (filter.matches(topic)) {
                return true;
            }
        }
        return false;
    }

    /** After the writer has stopped, a message is neither written nor acknowledged: the broker redelivers it. */
    @Override
    public void append(TopicMessage message, Runnable whenDurable) {
        if (!running) {
            return;
        }
        if (message.qos() == 0) {
            qos0Backlog.add();
        }
        queue.add(new Pending(message, whenDurable));
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>(config.batchSize());
        long backoff = 50;
        while (running || !queue.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, config.batchSize() - 1);
                }
                write(batch);
                written.increment(batch.size());
                commitLag.record(Duration.between(batch.get(0).message().receivedAt(), Instant.now()));
                for (Pending pending : batch) {
                    if (pending.message().qos() == 0) {
                        qos0Backlog.remove();
                    }
                    pending.whenDurable().run();
                }
                batch.clear();
                backoff = 50;
            } catch (SQLException e) {
                failedWrites.increment();
                LOG.warnf("Journal write of %d message(s) failed, holding their acknowledgements and retrying in %d ms: %s",
                        batch.size(), backoff, e.getMessage());
                if (!sleep(backoff)) {
                    return;
                }
                backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.errorf(e, "Journal writer failed on a batch of %d; retrying", batch.size());
                if (!sleep(backoff)) {
                    return;
                }
            }
        }
    }

    private boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return running;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void write(List<Pending> batch) throws SQLException {
        List<TopicMessage> rows = batch.stream().map(Pending::message).toList();
        JdbcTransaction.run(dataSource, connection -> JournalCopy.write(connection, rows));
    }
}
