package io.cellhub.topic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

/**
 * The live topic state: last message, count and recent history of every topic CellHub has seen.
 * Bounded by {@code cellhub.topics.max}: messages on further new topics are refused and counted,
 * never stored, so a runaway publisher cannot exhaust memory.
 * <p>
 * Besides the map of topics it keeps a {@link TopicTree}, an index by level that changes only when a
 * topic appears for the first time, for the dashboard's reads at fleet scale: one tree level with its
 * counts, a page of the topics matching a filter, the topics that arrived since a reader last looked.
 */
@Singleton
public class LiveTopics {

    private static final Logger LOG = Logger.getLogger(LiveTopics.class);

    private final ConcurrentHashMap<String, TopicEntry> topics = new ConcurrentHashMap<>();
    private final TopicTree tree = new TopicTree();
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

    /**
     * A page of the topics matching {@code filter}, sorted by topic, those after {@code after}
     * (exclusive; null for the first page), at most {@code limit}. Walks only the branches the
     * filter's literal levels allow.
     */
    public List<TopicSnapshot> page(TopicFilter filter, String after, int limit) {
        // The 'limit' smallest topics after 'after', largest at the head so it can be pushed out.
        PriorityQueue<TopicSnapshot> smallest = new PriorityQueue<>(Math.min(limit, 1024) + 1,
                Comparator.comparing(TopicSnapshot::topic).reversed());
        tree.forEachMatching(filter, entry -> entry.snapshot().ifPresent(snapshot -> {
            if (after != null && snapshot.topic().compareTo(after) <= 0) {
                return;
            }
            if (smallest.size() < limit) {
                smallest.add(snapshot);
            } else if (snapshot.topic().compareTo(smallest.peek().topic()) < 0) {
                smallest.poll();
                smallest.add(snapshot);
            }
        }));
        List<TopicSnapshot> page = new ArrayList<>(smallest);
        page.sort(Comparator.comparing(TopicSnapshot::topic));
        return page;
    }

    /**
     * One page of a tree level: the children of {@code prefix} (null for the top level) that have
     * topics matching {@code filter}, in {@link NaturalOrder}, after the child named {@code after}.
     */
    public TopicLevel level(String prefix, TopicFilter filter, String after, int limit) {
        return tree.level(prefix, filter, after, limit);
    }

    /**
     * Hands {@code action} every topic that first arrived at or after {@code position}, in arrival
     * order, and returns the position to pass next time (start from 0).
     */
    public int arrivalsSince(int position, Consumer<String> action) {
        int end = tree.arrived();
        for (int i = position; i < end; i++) {
            action.accept(tree.arrival(i));
        }
        return Math.max(position, end);
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
        tree.add(topic, created);
        return created;
    }

    private void refuse(String topic) {
        metrics.rejected(RejectionReason.TOPIC_LIMIT);
        refusals.occurred(refused -> String.format("The live topic state is full (cellhub.topics.max=%d): refused %d "
                + "message(s) on new topics in the last minute, the latest on '%s'. Raise cellhub.topics.max or narrow "
                + "cellhub.ingest.filter.", config.max(), refused, topic));
    }
}
