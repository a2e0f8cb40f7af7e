package io.cellhub.topic;

import java.time.Instant;
import java.util.ArrayList;
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
 * History entries are rebuilt as messages when asked for.
 */
final class TopicEntry {

    private static final byte QOS_BITS = 0b0011;
    private static final byte RETAINED = 0b0100;
    private static final byte REPLAYED = 0b1000;

    private final int capacity;
    private final PayloadRing payloads;
    private final long[] receivedAtSeconds;
    private final int[] receivedAtNanos;
    private final byte[] flags;
    /** The MQTT 5 properties of each entry; allocated only once a message with properties arrives. */
    private MessageProperties[] properties;
    private TopicMessage last;
    private int head;
    private long count;

    TopicEntry(int historySize) {
        this.capacity = Math.max(1, historySize);
        this.payloads = new PayloadRing(capacity);
        this.receivedAtSeconds = new long[capacity];
        this.receivedAtNanos = new int[capacity];
        this.flags = new byte[capacity];
    }

    synchronized void add(TopicMessage message) {
        head = (head + 1) % capacity;
        payloads.add(message.payload().bytes());
        receivedAtSeconds[head] = message.receivedAt().getEpochSecond();
        receivedAtNanos[head] = message.receivedAt().getNano();
        flags[head] = flags(message);
        if (properties != null || !message.properties().isEmpty()) {
            if (properties == null) {
                properties = new MessageProperties[capacity];
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
            int slot = Math.floorMod(head - i, capacity);
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

    private static byte flags(TopicMessage message) {
        return (byte) (message.qos() | (message.retained() ? RETAINED : 0) | (message.replayed() ? REPLAYED : 0));
    }
}
