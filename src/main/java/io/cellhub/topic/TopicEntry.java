package io.cellhub.topic;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The live state of one topic: its last message, how many arrived, and a ring of the most recent.
 * <p>
 * The ring keeps each message as its payload bytes (copied into one {@link PayloadRing}), its receipt
 * time and its flags, in arrays, not as a {@link TopicMessage}: a history entry outlives many young
 * collections (100 per topic by default), so every object it holds is copied by the collector, and a
 * message with its decodings is about ten objects against none here. With whole messages in the ring,
 * G1's young pauses in a latency run at 2,000 msg/s took 18-67 ms; with one array per entry, 3-12 ms.
 * History entries are rebuilt as messages when asked for. The arrays start with
 * {@link PayloadRing#FIRST_SLOTS} slots and double until they hold the history's size: the ring fills
 * them in order until then, so growing keeps every entry where it is.
 */
final class TopicEntry {

    private static final byte QOS_BITS = 0b0011;
    private static final byte RETAINED = 0b0100;
    private static final byte REPLAYED = 0b1000;

    private final int capacity;
    private final PayloadRing payloads;
    private long[] receivedAtSeconds;
    private int[] receivedAtNanos;
    private byte[] flags;
    /** The MQTT 5 properties of each entry; allocated only once a message with properties arrives. */
    private MessageProperties[] properties;
    private TopicMessage last;
    /** The newest entry's slot; -1 before the first message. */
    private int head = -1;
    private long count;

    TopicEntry(int historySize) {
        this.capacity = Math.max(1, historySize);
        this.payloads = new PayloadRing(capacity);
        int slots = Math.min(capacity, PayloadRing.FIRST_SLOTS);
        this.receivedAtSeconds = new long[slots];
        this.receivedAtNanos = new int[slots];
        this.flags = new byte[slots];
    }

    synchronized void add(TopicMessage message) {
        if (head + 1 == flags.length && flags.length < capacity) {
            growSlots();
        }
        head = head + 1 == flags.length ? 0 : head + 1;
        payloads.add(message.payload().bytes());
        receivedAtSeconds[head] = message.receivedAt().getEpochSecond();
        receivedAtNanos[head] = message.receivedAt().getNano();
        flags[head] = flags(message);
        if (properties != null || !message.properties().isEmpty()) {
            if (properties == null) {
                properties = new MessageProperties[flags.length];
            }
            properties[head] = message.properties().isEmpty() ? null : message.properties();
        }
        last = message;
        count++;
    }

    /**
     * Marks the last message retained when a retained scan re-delivers the same payload: the broker
     * confirms it is retained, but it is not a new message.
     *
     * @return false when the last message differs (a newer live value has arrived)
     */
    synchronized boolean confirmRetained(TopicMessage retained) {
        if (last == null || !last.payload().equals(retained.payload())) {
            return false;
        }
        last = last.asRetained();
        flags[head] = flags(last);
        return true;
    }

    /** Empty for the instant between the entry's creation and its first message. */
    synchronized Optional<TopicSnapshot> snapshot() {
        return count == 0 ? Optional.empty() : Optional.of(new TopicSnapshot(last, count));
    }

    /** Messages seen on this topic so far; for readers that need no copy of the last message. */
    synchronized long count() {
        return count;
    }

    /** Oldest first. */
    synchronized List<TopicMessage> history() {
        // the ring holds fewer payloads than the slots only until they fill, or while they are very large
        // (PayloadRing.MAX_BYTES): the entries it holds are the newest
        int size = payloads.size();
        List<TopicMessage> history = new ArrayList<>(size);
        for (int i = size - 1; i > 0; i--) {
            int slot = Math.floorMod(head - i, flags.length);
            byte f = flags[slot];
            history.add(new TopicMessage(last.topic(), Payload.adopt(payloads.get(i)), f & QOS_BITS, (f & RETAINED) != 0,
                    Instant.ofEpochSecond(receivedAtSeconds[slot], receivedAtNanos[slot]), (f & REPLAYED) != 0,
                    properties == null ? MessageProperties.NONE : properties[slot]));
        }
        if (size > 0) {
            history.add(last);
        }
        return history;
    }

    /** Reached only before the ring first wraps: the entries sit in slots 0 to {@code head}, in order. */
    private void growSlots() {
        int slots = Math.min(capacity, flags.length * 2);
        receivedAtSeconds = Arrays.copyOf(receivedAtSeconds, slots);
        receivedAtNanos = Arrays.copyOf(receivedAtNanos, slots);
        flags = Arrays.copyOf(flags, slots);
        if (properties != null) {
            properties = Arrays.copyOf(properties, slots);
        }
    }

    /** Slots the entry holds arrays for (for tests: they grow with the messages, up to the history's size). */
    synchronized int slots() {
        return flags.length;
    }

    private static byte flags(TopicMessage message) {
        return (byte) (message.qos() | (message.retained() ? RETAINED : 0) | (message.replayed() ? REPLAYED : 0));
    }
}
