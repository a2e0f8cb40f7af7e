package io.cellhub.topic;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

/**
 * The live topic state: last message, count and recent history of every topic CellHub has seen.
 * Bounded by {@code cellhub.topics.max}: messages on further new topics are refused and counted,
 * never stored, so a runaway publisher cannot exhaust memory.
 */
@Singleton
public class LiveTopics {

    private static final Logger LOG = Logger.getLogger(LiveTopics.class);

    private final ConcurrentHashMap<String, TopicEntry> topics = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final RateLimitedWarning refusals = new RateLimitedWarning(LOG, Duration.ofMinutes(1));
    private final TopicsConfig config;
    private final TrafficMetrics metrics;

    public LiveTopics(TopicsConfig config, TrafficMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        metrics.gaugeTopics(size::get);
    }

    /** @return false when the topic is new and the state is full, so the message was refused */
    public boolean record(TopicMessage message) {
        TopicEntry entry = entryFor(message.topic());
        if (entry == null) {
            refuse(message.topic());
            return false;
        }
        entry.add(message);
        return true;
    }

    /**
     * Takes in a message the broker re-sent as retained because a subscription was just made. If it
     * repeats the topic's last message, that message is marked retained rather than counted twice;
     * if the topic has moved on since, the newer live value stands.
     */
    public boolean recordRetained(TopicMessage retained) {
        TopicEntry entry = topics.get(retained.topic());
        if (entry == null) {
            return record(retained.asRetained());
        }
        entry.confirmRetained(retained);
        return true;
    }

    public List<TopicSnapshot> list(TopicFilter filter) {
        List<TopicSnapshot> result = new ArrayList<>();
        topics.forEach((topic, entry) -> {
            if (filter.matches(topic)) {
                entry.snapshot().ifPresent(result::add);
            }
        });
        result.sort(Comparator.comparing(TopicSnapshot::topic));
        return result;
    }

    public Optional<TopicSnapshot> get(String topic) {
        TopicEntry entry = topics.get(topic);
        return entry == null ? Optional.empty() : entry.snapshot();
    }

    /** Oldest first; empty when the topic is unknown. */
    public List<TopicMessage> history(String topic) {
        TopicEntry entry = topics.get(topic);
        return entry == null ? List.of() : entry.history();
    }

    public int size() {
        return size.get();
    }

    private TopicEntry entryFor(String topic) {
        TopicEntry entry = topics.get(topic);
        if (entry != null) {
            return entry;
        }
        // Reserve a place first, so the bound holds exactly under concurrent new topics.
        if (size.incrementAndGet() > config.max()) {
            size.decrementAndGet();
            return topics.get(topic);
        }
        TopicEntry created = new TopicEntry(config.history());
        TopicEntry existing = topics.putIfAbsent(topic, created);
        if (existing != null) {
            size.decrementAndGet();
            return existing;
        }
        return created;
    }

    private void refuse(String topic) {
        metrics.rejected(RejectionReason.TOPIC_LIMIT);
        refusals.occurred(refused -> String.format("The live topic state is full (cellhub.topics.max=%d): refused %d "
                + "message(s) on new topics in the last minute, the latest on '%s'. Raise cellhub.topics.max or narrow "
                + "cellhub.ingest.filter.", config.max(), refused, topic));
    }
}
