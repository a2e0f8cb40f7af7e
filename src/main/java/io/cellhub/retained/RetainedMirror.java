package io.cellhub.retained;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.cellhub.broker.BrokerConfig;
import io.cellhub.channel.ChannelConnected;
import io.cellhub.store.JdbcTransaction;
import io.cellhub.topic.RetainedChange;
import io.cellhub.topic.TopicFilter;
import io.cellhub.topic.TopicListener;
import io.cellhub.topic.TopicMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The durable mirror of the broker's retained messages, in {@code retained_message}.
 * <p>
 * Sources: the embedded broker's own report of every retained publish (exact and immediate); CellHub's
 * own retained publishes; the retained scans; and, against an external broker, the live ingest. Over
 * MQTT 5 live messages carry the RETAIN flag their publisher set (Retain As Published), so each
 * retained publish, and each zero-length one that clears a topic, is mirrored as it arrives. Over
 * MQTT 3.1.1 live messages do not say it: the scans run every {@code cellhub.retained.scan-every},
 * and a live zero-length message on a mirrored topic is taken as a clear. Scans only add and update
 * rows, so a broker that lost its retained store (Mosquitto without persistence after a restart)
 * leaves the mirror intact for {@code POST /api/retained/restore}.
 * <p>
 * Changes are coalesced per topic and written every {@code cellhub.retained.flush-interval} with
 * plain JDBC batches, an upsert and a delete, in one transaction: Panache would need a read per row
 * to merge. A failed write keeps the changes for the next flush. Reads go through Panache. A change
 * never replaces a newer row: in cluster mode several replicas write the same mirror (each its own
 * publishes and scans), and a late writer must not undo a newer value.
 */
@Singleton
public class RetainedMirror implements TopicListener {

    private static final Logger LOG = Logger.getLogger(RetainedMirror.class);
    private static final String UPSERT = "INSERT INTO retained_message (topic, payload, qos, updated_at) VALUES (?, ?, ?, ?) "
            + "ON CONFLICT (topic) DO UPDATE SET payload = EXCLUDED.payload, qos = EXCLUDED.qos, updated_at = EXCLUDED.updated_at "
            + "WHERE retained_message.updated_at <= EXCLUDED.updated_at";
    private static final String DELETE = "DELETE FROM retained_message WHERE topic = ?";

    private final Map<String, RetainedChange> pending = new ConcurrentHashMap<>();
    private final AgroalDataSource dataSource;
    private final boolean embeddedBroker;
    private volatile boolean liveRetainFlags;
    private final Counter failedFlushes;
    private final Duration flushInterval;
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "cellhub-retained-mirror");
        thread.setDaemon(true);
        return thread;
    });

    public RetainedMirror(AgroalDataSource dataSource, BrokerConfig broker, RetainedConfig config, MeterRegistry registry) {
        this.dataSource = dataSource;
        LOG.debugf("Retained mirror flushes every %s; external brokers are rescanned every %s", config.flushInterval(),
                config.scanEvery());
        this.embeddedBroker = broker.embedded();
        this.flushInterval = config.flushInterval();
        this.failedFlushes = Counter.builder("cellhub.retained.flush.failures")
                .description("Retained-mirror writes that failed and were kept for the next flush").register(registry);
        Gauge.builder("cellhub.retained.pending", pending, Map::size)
                .description("Retained-mirror changes not yet written").register(registry);
    }

    void onChange(@Observes RetainedChange change) {
        pending.put(change.topic(), change);
    }

    /** Whether live ingest deliveries carry the RETAIN flag their publisher set (MQTT 5). */
    void onIngestConnected(@ObservesAsync ChannelConnected connected) {
        liveRetainFlags = connected.liveRetainFlags();
    }

    /**
     * Against an external broker: a live retained publish (MQTT 5) sets or, empty, clears the topic;
     * over MQTT 3.1.1 a live zero-length message on a mirrored topic is taken as a clear.
     */
    @Override
    public void onMessage(TopicMessage message) {
        if (embeddedBroker || message.replayed()) {
            return;
        }
        boolean change = liveRetainFlags ? message.retained() : message.payload().isEmpty();
        if (change) {
            pending.put(message.topic(), new RetainedChange(message.topic(), message.payload(), message.qos(),
                    message.receivedAt()));
        }
    }

    /** Adds and updates what a scan found; never deletes on a scan's word. */
    void onScanned(@ObservesAsync RetainedScanned scanned) {
        for (TopicMessage message : scanned.retained()) {
            pending.putIfAbsent(message.topic(),
                    new RetainedChange(message.topic(), message.payload(), message.qos(), message.receivedAt()));
        }
    }

    /** Quarkus's scheduler runs nothing more often than once a second, so the mirror has its own flusher thread. */
    void startFlushing(@Observes StartupEvent event) {
        flusher.scheduleWithFixedDelay(this::flushQuietly, flushInterval.toMillis(), flushInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    void flushOnShutdown(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER) ShutdownEvent event) {
        flusher.shutdown();
        flush();
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warnf(e, "Retained-mirror flush failed");
        }
    }

    /**
     * Writes every pending change now, in a transaction of its own; on failure keeps them (unless
     * newer ones arrived) for the next flush.
     */
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    public synchronized void flush() {
        if (pending.isEmpty()) {
            return;
        }
        List<RetainedChange> batch = new ArrayList<>(pending.size());
        for (String topic : pending.keySet()) {
            RetainedChange change = pending.remove(topic);
            if (change != null) {
                batch.add(change);
            }
        }
        // in topic order: replicas writing the same topics (cluster mode) take the rows' locks in one order, never a deadlock
        batch.sort(Comparator.comparing(RetainedChange::topic));
        try {
            write(batch);
        } catch (SQLException e) {
            batch.forEach(change -> pending.putIfAbsent(change.topic(), change));
            failedFlushes.increment();
            LOG.warnf("Could not write %d retained-mirror change(s), keeping them for the next flush: %s", batch.size(),
                    e.getMessage());
        }
    }

    /** The mirror's rows on topics matching {@code filter}, sorted by topic. Call {@link #flush()} first for the latest. */
    @Transactional
    public List<RetainedMessage> list(TopicFilter filter) {
        List<RetainedMessage> rows = new ArrayList<>();
        for (RetainedMessage row : RetainedMessage.<RetainedMessage> listAll()) {
            if (filter.matches(row.topic)) {
                rows.add(row);
            }
        }
        rows.sort(Comparator.comparing(row -> row.topic));
        return rows;
    }

    /**
     * A page of the mirror's rows on topics matching {@code filter}: at most {@code limit}, after the
     * topic {@code after} (null for the first page), in the database's order of topics. Reads the
     * table in chunks along its primary key, so a page costs what it skips, never the whole mirror in
     * memory. Call {@link #flush()} first for the latest.
     */
    public List<RetainedMessage> list(TopicFilter filter, String after, int limit) throws SQLException {
        int chunk = Math.max(500, Math.min(limit, 5_000));
        List<RetainedMessage> found = new ArrayList<>();
        String from = after;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement first = connection.prepareStatement(
                        "SELECT topic, payload, qos, updated_at FROM retained_message ORDER BY topic LIMIT ?");
                PreparedStatement next = connection.prepareStatement(
                        "SELECT topic, payload, qos, updated_at FROM retained_message WHERE topic > ? ORDER BY topic LIMIT ?")) {
            while (found.size() < limit) {
                PreparedStatement query = from == null ? first : next;
                int parameter = 1;
                if (from != null) {
                    query.setString(parameter++, from);
                }
                query.setInt(parameter, chunk);
                int read = 0;
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        read++;
                        from = rows.getString(1);
                        if (found.size() < limit && filter.matches(from)) {
                            RetainedMessage row = new RetainedMessage();
                            row.topic = from;
                            row.payload = rows.getBytes(2);
                            row.qos = rows.getShort(3);
                            row.updatedAt = rows.getTimestamp(4).toInstant();
                            found.add(row);
                        }
                    }
                }
                if (read < chunk) {
                    break;
                }
            }
        }
        return found;
    }

    /** Which of {@code topics} the mirror holds a retained message for: primary-key look-ups, one query. */
    public Set<String> heldAmong(Collection<String> topics) throws SQLException {
        if (topics.isEmpty()) {
            return Set.of();
        }
        Set<String> held = new HashSet<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement("SELECT topic FROM retained_message WHERE topic = ANY (?)")) {
            query.setArray(1, connection.createArrayOf("text", topics.toArray()));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    held.add(rows.getString(1));
                }
            }
        }
        return held;
    }

    private void write(List<RetainedChange> batch) throws SQLException {
        JdbcTransaction.run(dataSource, connection -> {
            try (PreparedStatement upsert = connection.prepareStatement(UPSERT);
                    PreparedStatement delete = connection.prepareStatement(DELETE)) {
                for (RetainedChange change : batch) {
                    if (change.cleared()) {
                        delete.setString(1, change.topic());
                        delete.addBatch();
                    } else {
                        upsert.setString(1, change.topic());
                        upsert.setBytes(2, change.payload().toByteArray());
                        upsert.setShort(3, (short) change.qos());
                        upsert.setTimestamp(4, Timestamp.from(change.at()));
                        upsert.addBatch();
                    }
                }
                upsert.executeBatch();
                delete.executeBatch();
                return null;
            }
        });
    }
}
