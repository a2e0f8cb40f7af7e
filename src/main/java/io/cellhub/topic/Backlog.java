package io.cellhub.topic;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Work one part of CellHub has taken on and not finished: messages handed to the output connection
 * and not yet written or acknowledged, rows waiting for the journal. At {@link #limit()} the backlog
 * is full and {@link Backlogs} holds ingest (CellHub stops reading from the broker); at half the
 * limit it is drained and ingest reads again. So CellHub slows its input down to its slowest part
 * instead of dropping what it computed, and the memory a backlog takes stays bounded by its limit
 * plus one network read's worth of messages.
 * <p>
 * Thread-safe and lock-free on the message path: {@link #add()} and {@link #remove()} are one atomic
 * increment each; only the transitions between full and drained take {@link Backlogs}' lock.
 */
public final class Backlog {

    private final String name;
    private final int limit;
    private final int resumeAt;
    private final Backlogs owner;
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean full = new AtomicBoolean();

    Backlog(String name, int limit, Backlogs owner) {
        if (limit < 2) {
            throw new IllegalArgumentException("The " + name + " backlog needs a limit of at least 2, was " + limit);
        }
        this.name = name;
        this.limit = limit;
        this.resumeAt = limit / 2;
        this.owner = owner;
    }

    /** One more piece of work taken on. */
    public void add() {
        if (size.incrementAndGet() >= limit) {
            becomeFull();
        }
    }

    /** One piece of work finished (written, acknowledged, failed: no longer held). */
    public void remove() {
        if (size.decrementAndGet() <= resumeAt && full.get()) {
            becomeDrained();
        }
    }

    private void becomeFull() {
        if (full.compareAndSet(false, true)) {
            owner.filled(this);
            // a remove() that ran between the increment and the flag saw no full backlog: check again
            if (size.get() <= resumeAt) {
                becomeDrained();
            }
        }
    }

    private void becomeDrained() {
        if (full.compareAndSet(true, false)) {
            owner.drained(this);
            // an add() that ran between the decrement and the flag saw a full backlog: check again
            if (size.get() >= limit) {
                becomeFull();
            }
        }
    }

    public String name() {
        return name;
    }

    public int limit() {
        return limit;
    }

    public int size() {
        return size.get();
    }

    public boolean isFull() {
        return full.get();
    }
}
