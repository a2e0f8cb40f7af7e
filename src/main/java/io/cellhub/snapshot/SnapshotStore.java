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

    List<Summary> list() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT id, taken_at, label, trigger, topics FROM snapshot ORDER BY taken_at DESC, id DESC")) {
            List<Summary> summaries = new ArrayList<>();
            while (rows.next()) {
                summaries.add(summary(rows));
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
