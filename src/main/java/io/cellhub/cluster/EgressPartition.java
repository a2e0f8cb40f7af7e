package io.cellhub.cluster;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * One output partition the {@link Egress} publishes: its records published and not yet committed, in
 * offset order, and three offsets: up to where the broker acknowledged every record
 * ({@link #committable()}), the last offset asked of Kafka, and the last one Kafka confirmed.
 * <p>
 * A record leaves the egress's window only once Kafka has confirmed a commit past it. Kafka refuses
 * commits while the group rebalances, and a commit can fail in other ways; a refused commit keeps its
 * records in the window (the egress then pauses at the window's size), so what a next owner publishes
 * again never outnumbers the window. Used by the egress's thread only.
 */
final class EgressPartition {

    /** A record published: its offset, and whether the broker acknowledged it (or it needs no publish). */
    private static final class Record {
        final long offset;
        boolean acknowledged;

        Record(long offset, boolean acknowledged) {
            this.offset = offset;
            this.acknowledged = acknowledged;
        }
    }

    private final ArrayDeque<Record> records = new ArrayDeque<>();
    private final int generation;
    private final long replayEnd;
    private long committable;
    private long requested;
    private long committed;

    /**
     * @param generation tells this ownership's broker answers from those of an earlier one
     * @param start the committed offset the partition was taken over at
     * @param replayEnd the offset up to which the replica before may have published records already
     */
    EgressPartition(int generation, long start, long replayEnd) {
        this.generation = generation;
        this.replayEnd = replayEnd;
        this.committable = start;
        this.requested = start;
        this.committed = start;
    }

    /**
     * The same partition published again from its first record the broker did not acknowledge: the
     * acknowledged records before it stay in the window until a commit covers them, the others go (they
     * are published again).
     */
    EgressPartition retry(int newGeneration) {
        EgressPartition fresh = new EgressPartition(newGeneration, committed, replayEnd);
        fresh.committable = committable;
        fresh.requested = requested;
        for (Record record : records) {
            if (record.offset >= committable) {
                break;
            }
            fresh.records.add(record);
        }
        return fresh;
    }

    /** A record sent to the broker; {@code acknowledged} when there is nothing to wait for. */
    void published(long offset, boolean acknowledged) {
        records.add(new Record(offset, acknowledged));
    }

    /** The broker acknowledged the record at {@code offset}; false if it is not in the window. */
    boolean acknowledged(long offset) {
        for (Record record : records) {
            if (record.offset == offset) {
                record.acknowledged = true;
                return true;
            }
        }
        return false;
    }

    /** Moves {@link #committable()} past the acknowledged records at the head of the window. */
    void advance() {
        for (Record record : records) {
            if (!record.acknowledged) {
                break;
            }
            committable = Math.max(committable, record.offset + 1);
        }
    }

    /**
     * The offset to commit now, or -1: {@link #committable()} if it is past the last one asked for (or,
     * when {@code again}, past the last one confirmed, for a commit that must not rely on one in flight).
     */
    long toCommit(boolean again) {
        if (committable <= (again ? committed : requested)) {
            return -1;
        }
        requested = committable;
        return committable;
    }

    /** Kafka confirmed a commit up to {@code offset}: the records before it leave the window; returns how many. */
    int confirmed(long offset) {
        committed = Math.max(committed, offset);
        int left = 0;
        for (Iterator<Record> it = records.iterator(); it.hasNext() && it.next().offset < committed;) {
            it.remove();
            left++;
        }
        return left;
    }

    /** Kafka refused a commit: the next one asks again from what it confirmed. */
    void refused() {
        requested = committed;
    }

    /** Whether a record in the window waits for the broker's acknowledgement. */
    boolean awaitingAcknowledgement() {
        return records.stream().anyMatch(record -> !record.acknowledged);
    }

    /** Records in the window: published, or skipped, and not yet covered by a confirmed commit. */
    int size() {
        return records.size();
    }

    long committable() {
        return committable;
    }

    long committed() {
        return committed;
    }

    int generation() {
        return generation;
    }

    long replayEnd() {
        return replayEnd;
    }
}
