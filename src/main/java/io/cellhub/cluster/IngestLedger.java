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
 * <p>
 * A ledger is a ring that its session's writer thread appends to after every transaction, without
 * copying what it holds; {@link Redeliveries} reads a {@link #snapshot()}.
 */
final class IngestLedger {

    /** More than MQTT lets a broker send unacknowledged (Receive Maximum at most 65,535). */
    static final int CAPACITY = 65_536;

    /** The entries from {@link #oldest} on, wrapping around; grown up to {@value #CAPACITY}. */
    private int[] ring;
    private int oldest;
    private int size;

    private IngestLedger(int[] checksums) {
        this.ring = checksums;
        this.size = checksums.length;
    }

    static IngestLedger empty() {
        return new IngestLedger(new int[0]);
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
     * back, so that of some thousand records only the entries kept are read.
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
        return new IngestLedger(checksums);
    }

    /** How many checksums a ledger record holds (as many as its length has room for). */
    private static int entries(byte[] record) {
        if (record == null || record.length < 4) {
            return 0;
        }
        return Math.max(0, Math.min(ByteBuffer.wrap(record).getInt(), (record.length - 4) / 4));
    }

    /**
     * Appends one more transaction's checksums, keeping the last {@value #CAPACITY}: the oldest ones
     * are overwritten in place. Returns this ledger.
     */
    IngestLedger append(int[] more) {
        int from = Math.max(0, more.length - CAPACITY);
        makeRoom(Math.min(CAPACITY, size + more.length - from));
        for (int n = from; n < more.length; n++) {
            if (size < ring.length) {
                ring[(oldest + size++) % ring.length] = more[n];
            } else {
                ring[oldest] = more[n];
                oldest = (oldest + 1) % ring.length;
            }
        }
        return this;
    }

    /** Grows the ring (doubling, up to {@value #CAPACITY}) so that it holds {@code entries}. */
    private void makeRoom(int entries) {
        if (entries > ring.length) {
            int[] grown = new int[Math.min(CAPACITY, Math.max(entries, ring.length * 2))];
            copyTo(grown);
            ring = grown;
            oldest = 0;
        }
    }

    private void copyTo(int[] target) {
        int first = Math.min(size, ring.length - oldest);
        System.arraycopy(ring, oldest, target, 0, first);
        System.arraycopy(ring, 0, target, first, size - first);
    }

    /** A copy of the entries as they are now, which later appends leave alone. */
    IngestLedger snapshot() {
        int[] copy = new int[size];
        copyTo(copy);
        return new IngestLedger(copy);
    }

    int size() {
        return size;
    }

    /** The entry at {@code index}, 0 being the oldest. */
    int at(int index) {
        return ring[(oldest + index) % ring.length];
    }

    @Override
    public String toString() {
        int[] last = new int[Math.min(size, 8)];
        for (int n = 0; n < last.length; n++) {
            last[n] = at(size - last.length + n);
        }
        return "IngestLedger" + Arrays.toString(last);
    }
}
