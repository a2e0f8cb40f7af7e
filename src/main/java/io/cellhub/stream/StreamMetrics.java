package io.cellhub.stream;

import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** The stream's meters: {@code cellhub_sse_clients}, {@code cellhub_sse_events_total{outcome}}, {@code cellhub_sse_resyncs_total}. */
@ApplicationScoped
public class StreamMetrics {

    private final MeterRegistry registry;
    private final Counter sent;
    private final Counter dropped;
    private final Counter resyncs;

    public StreamMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.sent = events(registry, "sent");
        this.dropped = events(registry, "dropped");
        this.resyncs = Counter.builder("cellhub.sse.resyncs")
                .description("Times a stream client fell so far behind that it was told to reload its state")
                .register(registry);
    }

    private static Counter events(MeterRegistry registry, String outcome) {
        return Counter.builder("cellhub.sse.events")
                .description("Stream events sent to clients, or dropped because a newer value replaced them first")
                .tag("outcome", outcome).register(registry);
    }

    void gaugeClients(Supplier<Number> clients) {
        Gauge.builder("cellhub.sse.clients", clients).description("Connected stream clients").register(registry);
    }

    void sent(int count) {
        sent.increment(count);
    }

    void dropped(int count) {
        dropped.increment(count);
    }

    void resynced() {
        resyncs.increment();
    }
}
