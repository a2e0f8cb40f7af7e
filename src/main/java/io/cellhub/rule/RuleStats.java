package io.cellhub.rule;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Live counters of one rule, also exported as {@code cellhub_rule_messages_total{rule,type,outcome}}. */
public final class RuleStats {

    /** The last message a rule published. */
    public record LastOutput(String topic, String payload, Instant at) {
    }

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong ignored = new AtomicLong();
    private final AtomicLong cut = new AtomicLong();
    private final Counter receivedCounter;
    private final Counter publishedCounter;
    private final Counter ignoredCounter;
    private final Counter cutCounter;
    private volatile LastOutput last;

    RuleStats(MeterRegistry registry, String rule, String type) {
        receivedCounter = counter(registry, rule, type, "received");
        publishedCounter = counter(registry, rule, type, "published");
        ignoredCounter = counter(registry, rule, type, "ignored");
        cutCounter = counter(registry, rule, type, "cut");
    }

    private static Counter counter(MeterRegistry registry, String rule, String type, String outcome) {
        return Counter.builder("cellhub.rule.messages")
                .description("Messages a rule received, published, ignored (not usable) or cut (cascade too long)")
                .tags("rule", rule, "type", type, "outcome", outcome)
                .register(registry);
    }

    void countReceived() {
        received.incrementAndGet();
        receivedCounter.increment();
    }

    /** Counts a message the rule published (in cluster mode: wrote to Kafka for the egress). */
    public void countPublished(String topic, String payload) {
        published.incrementAndGet();
        publishedCounter.increment();
        last = new LastOutput(topic, payload, Instant.now());
    }

    void countIgnored() {
        ignored.incrementAndGet();
        ignoredCounter.increment();
    }

    void countCut() {
        cut.incrementAndGet();
        cutCounter.increment();
    }

    public long received() {
        return received.get();
    }

    public long published() {
        return published.get();
    }

    public long ignored() {
        return ignored.get();
    }

    public long cut() {
        return cut.get();
    }

    public LastOutput last() {
        return last;
    }
}
