package io.cellhub.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;

import io.cellhub.topic.TopicMessage;

/**
 * Which MQTT messages one ingest transaction wrote, by packet id and a checksum of topic and
 * payload. Each transaction writes its ledger record to the space's partition of the owner topic,
 * in the same transaction. A message of that transaction whose PUBACK did not go out before its
 * owner died comes again to the next owner, flagged DUP with the same packet id: found in the last
 * ledger, it is acknowledged and not written twice.
 */
final class IngestLedger {

    /** One ledger entry: packet id and checksum. */
    record Entry(int packetId, int checksum) {
    }

    private final Set<Entry> entries;

    private IngestLedger(Set<Entry> entries) {
        this.entries = entries;
    }

    static final IngestLedger EMPTY = new IngestLedger(Set.of());

    static int checksum(TopicMessage message) {
        CRC32 crc = new CRC32();
        crc.update(message.topic().getBytes(StandardCharsets.UTF_8));
        crc.update(0);
        crc.update(message.payload().toByteArray());
        return (int) crc.getValue();
    }

    static byte[] encode(List<Entry> entries) {
        ByteBuffer bytes = ByteBuffer.allocate(4 + entries.size() * 6);
        bytes.putInt(entries.size());
        for (Entry entry : entries) {
            bytes.putShort((short) entry.packetId()).putInt(entry.checksum());
        }
        return bytes.array();
    }

    static IngestLedger decode(byte[] encoded) {
        if (encoded == null || encoded.length < 4) {
            return EMPTY;
        }
        ByteBuffer bytes = ByteBuffer.wrap(encoded);
        Set<Entry> entries = new HashSet<>();
        for (int n = bytes.getInt(); n > 0 && bytes.remaining() >= 6; n--) {
            entries.add(new Entry(bytes.getShort() & 0xFFFF, bytes.getInt()));
        }
        return new IngestLedger(entries);
    }

    boolean contains(int packetId, TopicMessage message) {
        return !entries.isEmpty() && entries.contains(new Entry(packetId, checksum(message)));
    }

    int size() {
        return entries.size();
    }
}
