package io.cellhub.topic;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

import org.jboss.logging.Logger;

/**
 * One kind of refusal that may happen thousands of times a second: each occurrence is counted, and a
 * warning saying how many there were is logged at most once per interval, so a misbehaving
 * publisher cannot flood the log.
 */
public final class RateLimitedWarning {

    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong sinceLastWarning = new AtomicLong();
    private final AtomicLong lastWarning;

    public RateLimitedWarning(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
        this.lastWarning = new AtomicLong(System.nanoTime() - intervalNanos);
    }

    /**
     * Counts one occurrence; when the interval has passed since the last warning, logs
     * {@code message} applied to the number of occurrences since then (this one included).
     */
    public void occurred(LongFunction<String> message) {
        long count = sinceLastWarning.incrementAndGet();
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last >= intervalNanos && lastWarning.compareAndSet(last, now)) {
            sinceLastWarning.addAndGet(-count);
            log.warn(message.apply(count));
        }
    }
}
