package io.cellhub.cluster;

import java.time.Duration;
import java.util.Arrays;

/**
 * Finds, among the first QoS 1/2 messages of a resumed MQTT session, the ones the broker sends again
 * although they are written: a tail of the {@link IngestLedger}. The broker resends what it has no
 * PUBACK for, in order and before anything new; PUBACKs go out in arrival order after the commit; so
 * if any written message lacks its PUBACK, the session starts with the ledger's tail from that message
 * on. The messages are offered one by one, held by the caller, until no start position in the ledger
 * still matches; the answer is the longest tail they completed (0: none), the first that many held
 * messages being the written ones.
 * <p>
 * The MQTT client gives neither packet ids nor DUP flags, so a tail is recognised by topic and payload
 * only: new messages that happen to repeat the ledger's last messages exactly, in order, right after
 * a reconnect would be taken for redeliveries (a device repeating one value on one topic, for
 * instance). That is the price of not writing a message twice.
 */
final class Redeliveries {

    /** Still undecided: hold the message and offer the next one. */
    static final int UNDECIDED = -1;
    /**
     * How long the held messages stay undecided when no more come. A resend still under way must not be
     * cut short: the rest of it would be written a second time (thousands of messages after a takeover).
     * So this is a silence since the last message, longer than the pauses of a loaded replica (a full
     * collection, a starved core); it delays only messages that happen to repeat the ledger's last ones.
     */
    static final Duration SILENCE = Duration.ofSeconds(2);

    private final IngestLedger ledger;
    private int[] candidates;
    private int held;
    private int longestTail;
    private long lastOffer;

    Redeliveries(IngestLedger ledger) {
        this.ledger = ledger;
    }

    /**
     * Offers the next message's checksum ({@link IngestLedger#checksum}). Returns {@link #UNDECIDED}, or
     * how many of the messages offered so far (the first ones) are redeliveries of written messages:
     * then every offered message is decided and the rest are new.
     *
     * @param nanoTime when the message was taken ({@link System#nanoTime()}), for {@link #silent}
     */
    int offer(int checksum, long nanoTime) {
        lastOffer = nanoTime;
        if (held == 0) {
            int[] starts = new int[ledger.size()];
            int count = 0;
            for (int position = 0; position < ledger.size(); position++) {
                if (ledger.at(position) == checksum) {
                    starts[count++] = position;
                }
            }
            candidates = Arrays.copyOf(starts, count);
        } else {
            int count = 0;
            for (int start : candidates) {
                if (ledger.at(start + held) == checksum) {
                    candidates[count++] = start;
                }
            }
            candidates = Arrays.copyOf(candidates, count);
        }
        held++;
        int count = 0;
        for (int start : candidates) {
            if (start + held == ledger.size()) {
                longestTail = held; // the tail from start is complete: the first held messages are written ones
            } else {
                candidates[count++] = start;
            }
        }
        candidates = Arrays.copyOf(candidates, count);
        return candidates.length == 0 ? longestTail : UNDECIDED;
    }

    /** Decides without more messages (none came for a while, or a QoS 0 one did): how many offered ones are written ones. */
    int decide() {
        return longestTail;
    }

    /** Whether messages are held and none came for {@link #SILENCE}: then {@link #decide()}. */
    boolean silent(long nanoTime) {
        return held > 0 && nanoTime - lastOffer > SILENCE.toNanos();
    }

    /** Whether the held messages still match a part of the ledger that does not reach its end. */
    boolean matching() {
        return candidates != null && candidates.length > 0;
    }

    /** Messages offered and not yet decided. */
    int held() {
        return held;
    }
}
