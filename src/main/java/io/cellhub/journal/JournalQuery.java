package io.cellhub.journal;

import java.util.LinkedHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.agroal.api.AgroalDataSource;
import io.cellhub.topic.MessageProperties;
import io.cellhub.topic.Payload;
import io.cellhub.topic.TopicFilter;
import io.cellhub.topic.TopicMessage;

/** Reads the journal: the newest {@code limit} messages in a time range, returned oldest first. */
@ApplicationScoped
public class JournalQuery {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, List<String>>> USER_PROPERTIES = new TypeReference<>() {
    };

    private final AgroalDataSource dataSource;

    public JournalQuery(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Where a row sits in the journal's order (receipt time, then id): a page continues before it. */
    public record Position(Instant receivedAt, long id) {
    }

    /** One journaled message with its position. */
    public record Row(Position position, TopicMessage message) {
    }

    /**
     * @param topic one exact topic, or null
     * @param filter an MQTT filter the topics must match
     */
    public List<TopicMessage> find(String topic, TopicFilter filter, Instant from, Instant to, int limit) throws SQLException {
        return find(topic, filter, from, to, limit, null).stream().map(Row::message).toList();
    }

    /**
     * The newest {@code limit} matching messages in [from, to) that come before {@code before} (all when
     * null), returned oldest first; the next older page continues before the first row.
     */
    public List<Row> find(String topic, TopicFilter filter, Instant from, Instant to, int limit, Position before)
            throws SQLException {
        String sql = "SELECT topic, payload, qos, retained, received_at, content_type, payload_utf8, user_properties, "
                + "response_topic, correlation_data, message_expiry, id FROM journal WHERE received_at >= ? AND received_at < ?"
                + (topic == null ? "" : " AND topic = ?") + (before == null ? "" : " AND (received_at, id) < (?, ?)")
                + " ORDER BY received_at DESC, id DESC";
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement query = connection.prepareStatement(sql)) {
                int parameter = 1;
                query.setTimestamp(parameter++, Timestamp.from(from));
                query.setTimestamp(parameter++, Timestamp.from(to));
                if (topic != null) {
                    query.setString(parameter++, topic);
                }
                if (before != null) {
                    query.setTimestamp(parameter++, Timestamp.from(before.receivedAt()));
                    query.setLong(parameter, before.id());
                }
                query.setFetchSize(Math.min(limit, 1_000));
                List<Row> found = new ArrayList<>();
                try (ResultSet rows = query.executeQuery()) {
                    while (found.size() < limit && rows.next()) {
                        String name = rows.getString(1);
                        if (filter.matches(name)) {
                            Instant at = rows.getTimestamp(5).toInstant();
                            found.add(new Row(new Position(at, rows.getLong(12)), new TopicMessage(name,
                                    Payload.adopt(rows.getBytes(2)), rows.getShort(3), rows.getBoolean(4), at,
                                    rows.getBoolean(4), properties(rows))));
                        }
                    }
                }
                connection.commit();
                Collections.reverse(found);
                return found;
            }
        }
    }

    private static MessageProperties properties(ResultSet rows) throws SQLException {
        String userProperties = rows.getString(8);
        long expiry = rows.getLong(11);
        if (rows.wasNull()) {
            expiry = -1;
        }
        try {
            return MessageProperties.of(rows.getString(6), (Boolean) rows.getObject(7),
                    userProperties == null ? null : MessageProperties.userProperties(JSON.readValue(userProperties, USER_PROPERTIES)),
                    rows.getString(9), rows.getBytes(10), expiry);
        } catch (JsonProcessingException e) {
            throw new SQLException("A journal row's user_properties are not the JSON CellHub writes: " + e.getMessage(), e);
        }
    }
}
