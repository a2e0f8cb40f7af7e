package io.cellhub.topic;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** The message counters every part of CellHub reports to, exposed at {@code /q/metrics}. */
@Singleton
public class TrafficMetrics {

    private final MeterRegistry registry;
    private final Counter received;
    private final Counter published;
    private final Map<RejectionReason, Counter> rejected = new EnumMap<>(RejectionReason.class);

    public TrafficMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.received = Counter.builder("cellhub.messages.received")
                .description("MQTT messages received on the ingest channel").register(registry);
        this.published = Counter.builder("cellhub.messages.published")
                .description("MQTT messages CellHub published and the broker accepted").register(registry);
        for (RejectionReason reason : RejectionReason.values()) {
            rejected.put(reason, Counter.builder("cellhub.messages.rejected")
                    .description("Messages CellHub refused to ingest or publish")
                    .tag("reason", reason.tag()).register(registry));
        }
    }

    public void received() {
        received.increment();
    }

    public void published() {
        published.increment();
    }

    public long receivedCount() {
        return (long) received.count();
    }

    public long publishedCount() {
        return (long) published.count();
    }

    public void rejected(RejectionReason reason) {
        rejected.get(reason).increment();
    }

    void gaugeTopics(Supplier<Number> topics) {
        Gauge.builder("cellhub.topics", topics).description("Topics in the live state").register(registry);
    }
}
