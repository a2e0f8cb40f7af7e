package io.cellhub.retained;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import io.cellhub.channel.BrokerConnection;
import io.cellhub.channel.MqttSettings;
import io.cellhub.ingest.IngestConfig;
import io.cellhub.topic.Payload;
import io.cellhub.topic.TopicFilter;
import io.cellhub.topic.TopicFilters;
import io.cellhub.topic.TopicMessage;
import io.vertx.core.Vertx;

/**
 * Reads the broker's retained messages the way MQTT Explorer does: a short clean session subscribes
 * afresh and collects what the broker re-sends with RETAIN = 1, until none has arrived for a quiet
 * period. It subscribes at QoS 2, so each message arrives with the QoS it was retained with. The
 * same for the embedded broker and an external one, over MQTT 5 or 3.1.1.
 */
@ApplicationScoped
public class RetainedScanner {

    private final Vertx vertx;
    private final MqttSettings broker;
    private final Duration quietPeriod;
    private final Duration timeout;

    public RetainedScanner(Vertx vertx, MqttSettings broker, IngestConfig config) {
        this.vertx = vertx;
        this.broker = broker;
        this.quietPeriod = config.scanQuietPeriod();
        this.timeout = config.scanTimeout();
    }

    /**
     * What one scan found, where ({@code source}: the broker's address), and whether it ran into its
     * time limit before the broker went quiet.
     */
    public record Result(List<TopicMessage> retained, boolean timedOut, Duration took, String source) {
    }

    /**
     * The retained messages on topics matching {@code filter}. A scan ends after
     * {@code cellhub.ingest.scan-quiet-period} without a retained message, or at
     * {@code cellhub.ingest.scan-timeout}; it fails when the broker cannot be reached within that time.
     */
    public CompletableFuture<Result> scan(TopicFilter filter) {
        return scan(TopicFilters.of(filter));
    }

    /**
     * The retained messages on topics matching any of {@code filters}, each topic once (a broker sends a
     * message again for each overlapping subscription); otherwise as {@link #scan(TopicFilter)}.
     */
    public CompletableFuture<Result> scan(TopicFilters filters) {
        long startedAt = System.nanoTime();
        BrokerConnection client = new BrokerConnection(broker,
                BrokerConnection.Options.clean("cellhub-scan-" + UUID.randomUUID().toString().substring(0, 8)).quiet());
        Map<String, TopicMessage> found = new ConcurrentHashMap<>();
        long[] lastRetained = { startedAt };
        client.onMessage(publish -> {
            if (publish.retain() && filters.matches(publish.topic())) {
                lastRetained[0] = System.nanoTime();
                found.put(publish.topic(), new TopicMessage(publish.topic(), Payload.adopt(publish.payload()), publish.qos(), true,
                        Instant.now(), true, publish.properties()));
            }
            publish.acknowledge();
        });
        CompletableFuture<Result> result = new CompletableFuture<>();
        client.start()
                .thenCompose(connected -> CompletableFuture.allOf(filters.filters().stream()
                        .map(filter -> client.subscribe(BrokerConnection.Subscription.plain(filter.toString(), 2)))
                        .toArray(CompletableFuture[]::new)))
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((subscribed, failure) -> {
                    if (failure != null) {
                        client.disconnect();
                        result.completeExceptionally(failure);
                        return;
                    }
                    lastRetained[0] = System.nanoTime();
                    vertx.setPeriodic(50, timer -> {
                        long now = System.nanoTime();
                        boolean quiet = now - lastRetained[0] >= quietPeriod.toNanos();
                        boolean timedOut = now - startedAt >= timeout.toNanos();
                        if (quiet || timedOut) {
                            vertx.cancelTimer(timer);
                            client.disconnect();
                            result.complete(new Result(List.copyOf(found.values()), !quiet, Duration.ofNanos(now - startedAt),
                                    client.address()));
                        }
                    });
                });
        return result;
    }

    public String broker() {
        return BrokerConnection.address(broker);
    }
}
