package io.cellhub.journal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

import org.postgresql.PGConnection;

import io.cellhub.topic.MessageProperties;
import io.cellhub.topic.TopicMessage;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Journal rows written with PostgreSQL's binary {@code COPY}: one round trip per batch and no SQL to
 * parse per row, where a batched {@code INSERT} sends every row as statement parameters. The
 * format is PostgreSQL's (the "Binary Format" of the COPY documentation): a header, then per row a
 * field count and each field as length and bytes, then a trailer.
 */
final class JournalCopy {

    static final String SQL = "COPY journal (topic, payload, qos, retained, received_at, content_type, payload_utf8, "
            + "user_properties, response_topic, correlation_data, message_expiry) FROM STDIN (FORMAT binary)";

    static final String SQL_WITH_OFFSETS = "COPY journal (topic, payload, qos, retained, received_at, content_type, "
            + "payload_utf8, user_properties, response_topic, correlation_data, message_expiry, kafka_partition, kafka_offset) "
            + "FROM STDIN (FORMAT binary)";

    private static final byte[] SIGNATURE = { 'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0 };
    private static final short FIELDS = 11;
    /** The version byte of jsonb in PostgreSQL's binary format. */
    private static final int JSONB_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** 2000-01-01T00:00:00Z, PostgreSQL's timestamp epoch, in microseconds since the Unix epoch. */
    private static final long POSTGRES_EPOCH_MICROS = 946_684_800L * 1_000_000L;

    private JournalCopy() {
    }

    /** Copies the rows into {@code journal} on the connection, inside its current transaction. */
    static long write(Connection connection, List<TopicMessage> rows) throws SQLException {
        byte[] data = encode(rows);
        try {
            return connection.unwrap(PGConnection.class).getCopyAPI().copyIn(SQL, new ByteArrayInputStream(data));
        } catch (IOException e) {
            throw new SQLException("COPY into journal failed: " + e.getMessage(), e);
        }
    }

    /** Copies rows with the Kafka record each came from into {@code journal}, inside the connection's transaction. */
    static long writeWithOffsets(Connection connection, List<TopicMessage> rows, int partition, long[] offsets)
            throws SQLException {
        byte[] data = encode(rows, partition, offsets);
        try {
            return connection.unwrap(PGConnection.class).getCopyAPI().copyIn(SQL_WITH_OFFSETS, new ByteArrayInputStream(data));
        } catch (IOException e) {
            throw new SQLException("COPY into journal failed: " + e.getMessage(), e);
        }
    }

    static byte[] encode(List<TopicMessage> rows) {
        return encode(rows, -1, null);
    }

    private static byte[] encode(List<TopicMessage> rows, int partition, long[] offsets) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + rows.size() * 96);
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            out.write(SIGNATURE);
            out.writeInt(0); // flags: no OIDs
            out.writeInt(0); // header extension length
            for (int i = 0; i < rows.size(); i++) {
                TopicMessage row = rows.get(i);
                out.writeShort(offsets == null ? FIELDS : FIELDS + 2);
                byte[] topic = row.topic().getBytes(StandardCharsets.UTF_8);
                out.writeInt(topic.length);
                out.write(topic);
                out.writeInt(row.payload().size());
                row.payload().writeTo(out);
                out.writeInt(2);
                out.writeShort(row.qos());
                out.writeInt(1);
                out.writeByte(row.retained() ? 1 : 0);
                out.writeInt(8);
                out.writeLong(micros(row.receivedAt()) - POSTGRES_EPOCH_MICROS);
                writeProperties(out, row.properties());
                if (offsets != null) {
                    out.writeInt(4);
                    out.writeInt(partition);
                    out.writeInt(8);
                    out.writeLong(offsets[i]);
                }
            }
            out.writeShort(-1);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
        }
        return bytes.toByteArray();
    }

    /** The six property columns, each NULL (length -1) when the message lacks it. */
    private static void writeProperties(DataOutputStream out, MessageProperties properties) throws IOException {
        if (properties.isEmpty()) {
            for (int i = 0; i < 6; i++) {
                out.writeInt(-1);
            }
            return;
        }
        writeText(out, properties.contentType());
        if (properties.payloadUtf8() == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(1);
            out.writeByte(properties.payloadUtf8() ? 1 : 0);
        }
        if (properties.userProperties().isEmpty()) {
            out.writeInt(-1);
        } else {
            byte[] json = JSON.writeValueAsBytes(properties.userPropertyMap());
            out.writeInt(json.length + 1);
            out.writeByte(JSONB_VERSION);
            out.write(json);
        }
        writeText(out, properties.responseTopic());
        if (properties.correlationData() == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(properties.correlationData().length);
            out.write(properties.correlationData());
        }
        if (properties.messageExpirySeconds() < 0) {
            out.writeInt(-1);
        } else {
            out.writeInt(8);
            out.writeLong(properties.messageExpirySeconds());
        }
    }

    private static void writeText(DataOutputStream out, String text) throws IOException {
        if (text == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }
}
