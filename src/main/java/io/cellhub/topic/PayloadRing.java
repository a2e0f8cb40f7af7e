package io.cellhub.topic;

import java.util.Arrays;

/**
 * The payloads of a topic's last {@code slots} messages, copied one after the other into a single
 * byte array used as a ring. A topic's history outlives many young collections; held as one
 * {@code byte[]} per message, each entry would be copied by the collector until it is promoted, and
 * every message would store a new reference into an array of the old generation, whose card the next
 * young collection scans. Bytes copied into a ring are neither. The array grows to hold the slots'
 * bytes and shrinks again once large payloads have left it, up to {@link #MAX_BYTES}: beyond that the
 * oldest payloads leave early (a history of 100 payloads of 16 MB each would need 1.6 GB), so the ring
 * then holds fewer than its slots. The slots' positions, too, start few ({@link #FIRST_SLOTS}) and
 * double as payloads arrive: most topics of a large fleet see a handful of messages, and a history of
 * 100 slots allocated up front cost each of 100,000 topics 1.8 KB in this ring and {@link TopicEntry}.
 * Not thread-safe: {@link TopicEntry} guards it.
 */
final class PayloadRing {

    private static final int MIN_CAPACITY = 64;
    /** The slots a ring and its topic's entry start with, before they grow toward the history's size. */
    static final int FIRST_SLOTS = 4;
    /** The most bytes a ring holds: its array's largest power of two. */
    static final int MAX_BYTES = 1 << 30;

    /**
     * Where each slot's bytes start, as a position that only grows (wrapping as an int; the index in the
     * array is the position masked). A slot ends where the next one starts, the newest at {@code position}.
     */
    private int[] start;
    private final int slots;
    private final int maxBytes;
    private byte[] bytes = new byte[MIN_CAPACITY];
    private int position;
    /** Bytes of the slots in use. */
    private int live;
    private int newest = -1;
    private int size;

    PayloadRing(int slots) {
        this(slots, MAX_BYTES);
    }

    /** A ring of at most {@code maxBytes} bytes, a power of two (for tests). */
    PayloadRing(int slots, int maxBytes) {
        if (Integer.bitCount(maxBytes) != 1 || maxBytes < MIN_CAPACITY) {
            throw new IllegalArgumentException("maxBytes must be a power of two of at least " + MIN_CAPACITY + ": " + maxBytes);
        }
        this.slots = slots;
        this.start = new int[Math.min(slots, FIRST_SLOTS)];
        this.maxBytes = maxBytes;
    }

    /**
     * Adds a payload as the newest slot, replacing the oldest when every slot is in use, and more of the
     * oldest while the payloads would exceed the ring's bytes.
     */
    void add(byte[] payload) {
        if (payload.length > maxBytes) {
            throw new IllegalArgumentException("a payload of " + payload.length + " bytes exceeds the ring's " + maxBytes);
        }
        if (size == start.length) {
            if (start.length < slots) {
                growSlots();
            } else {
                dropOldest();
            }
        }
        while ((long) live + payload.length > maxBytes) {
            dropOldest();
        }
        int slot = (newest + 1) % start.length;
        size++;
        int needed = live + payload.length;
        if (needed > bytes.length || bytes.length > MIN_CAPACITY && needed < bytes.length / 4) {
            resize(slot, Math.max(MIN_CAPACITY, Integer.highestOneBit(Math.max(1, needed - 1)) << 1));
        }
        start[slot] = position;
        copyIn(payload, position);
        position += payload.length;
        live += payload.length;
        newest = slot;
    }

    /** A copy of the payload {@code age} slots before the newest (0: the newest); {@code age < size()}. */
    byte[] get(int age) {
        if (age < 0 || age >= size) {
            throw new IndexOutOfBoundsException("age " + age + " of " + size);
        }
        int slot = Math.floorMod(newest - age, start.length);
        byte[] payload = new byte[lengthOf(slot)];
        copyOut(slot, payload, 0);
        return payload;
    }

    /** How many slots hold a payload. */
    int size() {
        return size;
    }

    /** Bytes the ring holds for its payloads (for tests: it grows and shrinks with them). */
    int capacity() {
        return bytes.length;
    }

    /** Twice the slots (at most {@code slots}), the ones in use moved to the start oldest first. */
    private void growSlots() {
        int[] grown = new int[Math.min(slots, start.length * 2)];
        for (int age = size - 1, at = 0; age >= 0; age--, at++) {
            grown[at] = start[Math.floorMod(newest - age, start.length)];
        }
        start = grown;
        newest = size - 1;
    }

    private void dropOldest() {
        live -= lengthOf(Math.floorMod(newest - size + 1, start.length));
        size--;
    }

    private int lengthOf(int slot) {
        return (slot == newest ? position : start[(slot + 1) % start.length]) - start[slot];
    }

    /** Moves the slots in use, oldest first, to the start of an array of {@code capacity} bytes. */
    private void resize(int incoming, int capacity) {
        byte[] resized = new byte[capacity];
        int at = 0;
        for (int age = size - 1; age >= 1; age--) { // every slot in use but the incoming one
            int slot = Math.floorMod(incoming - age, start.length);
            int length = copyOut(slot, resized, at); // reads the next slot's start: not moved yet
            start[slot] = at;
            at += length;
        }
        bytes = resized;
        position = at;
    }

    /** Copies the bytes of {@code slot} to {@code target} at {@code at}; returns how many. */
    private int copyOut(int slot, byte[] target, int at) {
        int length = lengthOf(slot);
        int from = start[slot] & (bytes.length - 1);
        int first = Math.min(length, bytes.length - from);
        System.arraycopy(bytes, from, target, at, first);
        System.arraycopy(bytes, 0, target, at + first, length - first);
        return length;
    }

    private void copyIn(byte[] payload, int at) {
        int from = at & (bytes.length - 1);
        int first = Math.min(payload.length, bytes.length - from);
        System.arraycopy(payload, 0, bytes, from, first);
        System.arraycopy(payload, first, bytes, 0, payload.length - first);
    }

    @Override
    public String toString() {
        return "PayloadRing[" + size + " of " + start.length + " (at most " + slots + ") slots, " + live + " of "
                + bytes.length + " bytes, starts " + Arrays.toString(start) + "]";
    }
}
