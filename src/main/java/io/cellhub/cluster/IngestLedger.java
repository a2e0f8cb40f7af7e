package io.cellhub.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Which QoS 1/2 MQTT messages an ingest space's last transactions wrote, in the order they arrived,
 * each by a checksum of its topic and payload. Every ingest transaction writes, with its records, one
 * ledger record (its messages' checksums) to the space's partition of the owner topic.
 * <p>
 * PUBACKs go out in arrival order, after the commit. So what the broker sends again on a resumed
 * session (a new owner's, or the same owner's after a reconnect) starts with the messages it has no
 * PUBACK for: a tail of the ledger if their transaction committed, then the rest. {@link Redeliveries}
 * finds that tail. The ledger keeps the last {@value #CAPACITY} entries, more than a broker has in
 * flight for one session (its Receive Maximum).
 */
final class IngestLedger {

    /** More than MQTT lets a broker send unacknowledged (Receive Maximum at most 65,535). */
    static final int CAPACITY = 65_536;

    static final IngestLedger EMPTY = new IngestLedger(new int[0]);

    private final int[] checksums;

    private IngestLedger(int[] checksums) {
        this.checksums = checksums;
    }

    static int checksum(String topic, byte[] payload) {
        CRC32 crc = new CRC32();
        crc.update(topic.getBytes(StandardCharsets.UTF_8));
        crc.update(0);
        crc.update(payload);
        return (int) crc.getValue();
    }

    /** One transaction's ledger record. */
    static byte[] encode(int[] checksums) {
        ByteBuffer bytes = ByteBuffer.allocate(4 + checksums.length * 4);
        bytes.putInt(checksums.length);
        for (int checksum : checksums) {
            bytes.putInt(checksum);
        }
        return bytes.array();
    }

    /**
     * The ledger of consecutive transactions' records, oldest first (a missing or short record counts as
     * empty): their checksums in order, the last {@value #CAPACITY} of them. Filled from the newest record
     * back, once: appending record by record copied the whole ledger for each of some thousand records,
     * which took a second of a takeover.
     */
    static IngestLedger decode(List<byte[]> records) {
        long all = 0;
        for (byte[] record : records) {
            all += entries(record);
        }
        int total = (int) Math.min(all, CAPACITY);
        int[] checksums = new int[total];
        int free = total;
        for (int r = records.size() - 1; r >= 0 && free > 0; r--) {
            byte[] record = records.get(r);
            int count = entries(record);
            int take = Math.min(count, free);
            ByteBuffer bytes = ByteBuffer.wrap(record, 4 + (count - take) * 4, take * 4);
            for (int n = 0; n < take; n++) {
                checksums[free - take + n] = bytes.getInt();
            }
            free -= take;
        }
        return total == 0 ? EMPTY : new IngestLedger(checksums);
    }

    /** How many checksums a ledger record holds (as many as its length has room for). */
    private static int entries(byte[] record) {
        if (record == null || record.length < 4) {
            return 0;
        }
        return Math.max(0, Math.min(ByteBuffer.wrap(record).getInt(), (record.length - 4) / 4));
    }

    /** This ledger followed by one more transaction's checksums, keeping the last {@value #CAPACITY}. */
    IngestLedger append(int[] more) {
        if (more.length == 0) {
            return this;
        }
        int keep = Math.min(checksums.length, Math.max(0, CAPACITY - more.length));
        int[] joined = new int[keep + Math.min(more.length, CAPACITY)];
        System.arraycopy(checksums, checksums.length - keep, joined, 0, keep);
        System.arraycopy(more, more.length - (joined.length - keep), joined, keep, joined.length - keep);
        return new IngestLedger(joined);
    }

    int size() {
        return checksums.length;
    }

    int at(int index) {
        return checksums[index];
    }

    @Override
    public String toString() {
        return "IngestLedger" + Arrays.toString(Arrays.copyOfRange(checksums, Math.max(0, checksums.length - 8),
                checksums.length));
    }
}
