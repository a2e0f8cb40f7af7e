package io.cellhub.topic;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The live state of one topic: its last message, how many arrived, and a ring of the most recent. */
final class TopicEntry {

    private final TopicMessage[] ring;
    private int head;
    private int size;
    private long count;

    TopicEntry(int historySize) {
        this.ring = new TopicMessage[Math.max(1, historySize)];
    }

    synchronized void add(TopicMessage message) {
        head = (head + 1) % ring.length;
        ring[head] = message;
        if (size < ring.length) {
            size++;
        }
        count++;
    }

    /**
     * Marks the last message retained when a retained scan re-delivers the same payload: the broker
     * confirms it is retained, but it is not a new message.
     *
     * @return false when the last message differs (a newer live value has arrived)
     */
    synchronized boolean confirmRetained(TopicMessage retained) {
        TopicMessage last = ring[head];
        if (last == null || !last.payload().equals(retained.payload())) {
            return false;
        }
        ring[head] = last.asRetained();
        return true;
    }

    /** Empty for the instant between the entry's creation and its first message. */
    synchronized Optional<TopicSnapshot> snapshot() {
        return count == 0 ? Optional.empty() : Optional.of(new TopicSnapshot(ring[head], count));
    }

    /** Oldest first. */
    synchronized List<TopicMessage> history() {
        List<TopicMessage> history = new ArrayList<>(size);
        for (int i = size - 1; i >= 0; i--) {
            history.add(ring[Math.floorMod(head - i, ring.length)]);
        }
        return history;
    }
}
