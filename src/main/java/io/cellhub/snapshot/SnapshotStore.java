package io.cellhub.snapshot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agroal.api.AgroalDataSource;
import io.cellhub.store.JdbcTransaction;
import io.cellhub.snapshot.SnapshotModel.RuleState;
import io.cellhub.snapshot.SnapshotModel.Session;
import io.cellhub.snapshot.SnapshotModel.Summary;
import io.cellhub.snapshot.SnapshotModel.Trigger;
import io.cellhub.topic.TopicFilter;
import io.cellhub.topic.TopicMessage;
import io.cellhub.topic.TopicSnapshot;

/**
 * Snapshots in PostgreSQL: one {@code snapshot} row and one {@code snapshot_entry} row per topic,
 * written in JDBC batches inside one transaction (100k topics make 100 round trips, not 100k).
 */
@ApplicationScoped
class SnapshotStore {

    private static final int BATCH = 1_000;

    /** One stored entry, payload as bytes. */
    record StoredEntry(String topic, byte[] payload, int qos, boolean retained, Instant updatedAt) {
    }

    private final AgroalDataSource dataSource;
    private final ObjectMapper json;

    SnapshotStore(AgroalDataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    long insert(Instant takenAt, String label, Trigger trigger, List<TopicSnapshot> topics, Session session,
            List<RuleState> rules) throws SQLException {
        return JdbcTransaction.run(dataSource, connection -> {
            long id;
            try (PreparedStatement header = connection.prepareStatement(
                    "INSERT INTO snapshot (taken_at, label, trigger, topics, session, rules) VALUES (?, ?, ?, ?, ?::jsonb, ?::jsonb)",
                    Statement.RETURN_GENERATED_KEYS)) {
                header.setTimestamp(1, Timestamp.from(takenAt));
                header.setString(2, label);
                header.setString(3, trigger.name());
                header.setInt(4, topics.size());
                header.setString(5, write(session));
                header.setString(6, write(rules));
                header.executeUpdate();
                try (ResultSet keys = header.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
            }
            try (PreparedStatement entries = connection.prepareStatement(
                    "INSERT INTO snapshot_entry (snapshot_id, topic, payload, qos, retained, updated_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                int pending = 0;
                for (TopicSnapshot topic : topics) {
                    TopicMessage last = topic.last();
                    entries.setLong(1, id);
                    entries.setString(2, last.topic());
                    entries.setBytes(3, last.payload().toByteArray());
                    entries.setShort(4, (short) last.qos());
                    entries.setBoolean(5, last.retained());
                    entries.setTimestamp(6, Timestamp.from(last.receivedAt()));
                    entries.addBatch();
                    if (++pending == BATCH) {
                        entries.executeBatch();
                        pending = 0;
                    }
                }
                if (pending > 0) {
                    entries.executeBatch();
                }
            }
            return id;
        });
    }

    /** Deletes all but the newest {@code keep} snapshots; their entries go with them. */
    int prune(int keep) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM snapshot WHERE id NOT IN (SELECT id FROM snapshot ORDER BY taken_at DESC, id DESC LIMIT ?)")) {
            delete.setInt(1, keep);
            return delete.executeUpdate();
        }
    }

    /** Newest first: at most {@code limit}, those older than snapshot {@code before} when it is given. */
    List<Summary> list(Long before, int limit) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement("SELECT id, taken_at, label, trigger, topics FROM snapshot"
                        + (before == null ? "" : " WHERE (taken_at, id) < (SELECT taken_at, id FROM snapshot WHERE id = ?)")
                        + " ORDER BY taken_at DESC, id DESC LIMIT ?")) {
            int parameter = 1;
            if (before != null) {
                query.setLong(parameter++, before);
            }
            query.setInt(parameter, limit);
            List<Summary> summaries = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    summaries.add(summary(rows));
                }
            }
            return summaries;
        }
    }

    /** The header with session and rules, or empty when there is no such snapshot. */
    Optional<Header> header(long id) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT id, taken_at, label, trigger, topics, session, rules FROM snapshot WHERE id = ?")) {
            query.setLong(1, id);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Header(summary(row), json.readValue(row.getString("session"), Session.class),
                        json.readValue(row.getString("rules"), new TypeReference<List<RuleState>>() {
                        })));
            } catch (JsonProcessingException e) {
                throw new SQLException("Snapshot " + id + " holds unreadable JSON", e);
            }
        }
    }

    record Header(Summary summary, Session session, List<RuleState> rules) {
    }

    /** The entries of one snapshot, sorted by topic. */
    List<StoredEntry> entries(long id) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT topic, payload, qos, retained, updated_at FROM snapshot_entry WHERE snapshot_id = ? ORDER BY topic")) {
            query.setLong(1, id);
            query.setFetchSize(BATCH);
            List<StoredEntry> entries = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    entries.add(new StoredEntry(rows.getString(1), rows.getBytes(2), rows.getShort(3), rows.getBoolean(4),
                            rows.getTimestamp(5).toInstant()));
                }
            }
            return entries;
        }
    }

    /**
     * A page of one snapshot's entries on topics matching {@code filter}, sorted by topic, after
     * {@code after}: read along the primary key in chunks, so a page costs what it skips.
     */
    List<StoredEntry> entries(long id, TopicFilter filter, String after, int limit) throws SQLException {
        List<StoredEntry> found = new ArrayList<>();
        String from = after;
        try (Connection connection = dataSource.getConnection()) {
            while (found.size() < limit) {
                int read = 0;
                try (PreparedStatement query = connection.prepareStatement("SELECT topic, payload, qos, retained, updated_at "
                        + "FROM snapshot_entry WHERE snapshot_id = ?" + (from == null ? "" : " AND topic > ?")
                        + " ORDER BY topic LIMIT ?")) {
                    int parameter = 1;
                    query.setLong(parameter++, id);
                    if (from != null) {
                        query.setString(parameter++, from);
                    }
                    query.setInt(parameter, BATCH);
                    try (ResultSet rows = query.executeQuery()) {
                        while (rows.next()) {
                            read++;
                            from = rows.getString(1);
                            if (found.size() < limit && filter.matches(from)) {
                                found.add(entry(rows, 1));
                            }
                        }
                    }
                }
                if (read < BATCH) {
                    break;
                }
            }
        }
        return found;
    }

    /**
     * The topics that differ between two snapshots, sorted by topic, after {@code after}, at most
     * {@code limit}: one full join of the two snapshots' entries in the database, from the cursor on,
     * so the diff of 100,000 topics is never held in CellHub's memory.
     */
    List<DiffRow> diff(long from, long to, String after, int limit) throws SQLException {
        String side = "SELECT topic, payload, qos, retained, updated_at FROM snapshot_entry WHERE snapshot_id = ?"
                + (after == null ? "" : " AND topic > ?");
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement("SELECT b.topic, b.payload, b.qos, b.retained, b.updated_at, "
                        + "a.topic, a.payload, a.qos, a.retained, a.updated_at FROM (" + side + ") b FULL JOIN (" + side
                        + ") a ON a.topic = b.topic WHERE a.topic IS NULL OR b.topic IS NULL OR a.qos <> b.qos "
                        + "OR a.retained <> b.retained OR a.payload <> b.payload ORDER BY COALESCE(a.topic, b.topic) LIMIT ?")) {
            int parameter = 1;
            for (long snapshot : new long[] { from, to }) {
                query.setLong(parameter++, snapshot);
                if (after != null) {
                    query.setString(parameter++, after);
                }
            }
            query.setInt(parameter, limit);
            List<DiffRow> rows = new ArrayList<>();
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    StoredEntry before = row.getString(1) == null ? null : entry(row, 1);
                    StoredEntry now = row.getString(6) == null ? null : entry(row, 6);
                    rows.add(new DiffRow(before != null ? before.topic() : now.topic(), before, now));
                }
            }
            return rows;
        }
    }

    /** One topic that differs: {@code before} null when added, {@code after} null when removed. */
    record DiffRow(String topic, StoredEntry before, StoredEntry after) {
    }

    private static StoredEntry entry(ResultSet rows, int first) throws SQLException {
        return new StoredEntry(rows.getString(first), rows.getBytes(first + 1), rows.getShort(first + 2),
                rows.getBoolean(first + 3), rows.getTimestamp(first + 4).toInstant());
    }

    private static Summary summary(ResultSet row) throws SQLException {
        return new Summary(row.getLong("id"), row.getTimestamp("taken_at").toInstant(), row.getString("label"),
                Trigger.valueOf(row.getString("trigger")), row.getInt("topics"));
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write snapshot JSON", e);
        }
    }
}
