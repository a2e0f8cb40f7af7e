package io.cellhub.journal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Singleton;

import io.agroal.api.AgroalDataSource;
import io.cellhub.store.JdbcTransaction;
import io.cellhub.topic.TopicMessage;

/**
 * The journal's side of cluster mode: rows from a Kafka topic's records, written together with the
 * partition's next offset in {@code journal_kafka_offset}, in one transaction. So a record becomes
 * exactly one row however often it is delivered, and a replica that lost a partition to another
 * cannot write behind it: its stored offset no longer matches.
 */
@Singleton
public class KafkaJournal {

    private static final String ADVANCE = "INSERT INTO journal_kafka_offset (kafka_topic, kafka_partition, next_offset, updated_at) "
            + "VALUES (?, ?, ?, now()) ON CONFLICT (kafka_topic, kafka_partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, "
            + "updated_at = now() WHERE journal_kafka_offset.next_offset = ?";

    private final AgroalDataSource dataSource;

    public KafkaJournal(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The offset of the next record to write, per partition of {@code topic}, for those that have one. */
    public Map<Integer, Long> nextOffsets(String topic) throws SQLException {
        Map<Integer, Long> offsets = new HashMap<>();
        try (var connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT kafka_partition, next_offset FROM journal_kafka_offset WHERE kafka_topic = ?")) {
            select.setString(1, topic);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    offsets.put(rows.getInt(1), rows.getLong(2));
                }
            }
        }
        return offsets;
    }

    /**
     * Writes {@code rows} (the journaled ones among the records from {@code from} to {@code next},
     * {@code offsets} their record offsets) and moves the partition's next offset from {@code from} to
     * {@code next}.
     *
     * @return false, having written nothing, when the stored next offset was not {@code from}
     */
    public boolean write(String topic, int partition, long from, long next, List<TopicMessage> rows, long[] offsets)
            throws SQLException {
        return JdbcTransaction.run(dataSource, connection -> {
            try (PreparedStatement advance = connection.prepareStatement(ADVANCE)) {
                advance.setString(1, topic);
                advance.setInt(2, partition);
                advance.setLong(3, next);
                advance.setLong(4, from);
                if (advance.executeUpdate() != 1) {
                    connection.rollback();
                    return false;
                }
            }
            if (!rows.isEmpty()) {
                JournalCopy.writeWithOffsets(connection, rows, partition, offsets);
            }
            return true;
        });
    }
}
