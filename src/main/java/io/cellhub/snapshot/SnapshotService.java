package io.cellhub.snapshot;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.cellhub.ReplicaRole;
import io.cellhub.ingest.IngestConfig;
import io.cellhub.publish.MqttPublisher;
import io.cellhub.publish.OutgoingMessage;
import io.cellhub.retained.RetainedMessage;
import io.cellhub.retained.RetainedMirror;
import io.cellhub.retained.RetainedStateSettled;
import io.cellhub.rule.AverageProcessor;
import io.cellhub.rule.HandoffProcessor;
import io.cellhub.rule.Rule;
import io.cellhub.rule.RuleStats;
import io.cellhub.snapshot.SnapshotModel.Change;
import io.cellhub.snapshot.SnapshotModel.Detail;
import io.cellhub.snapshot.SnapshotModel.Diff;
import io.cellhub.snapshot.SnapshotModel.Entry;
import io.cellhub.snapshot.SnapshotModel.RuleState;
import io.cellhub.snapshot.SnapshotModel.Session;
import io.cellhub.snapshot.SnapshotModel.Subscription;
import io.cellhub.snapshot.SnapshotModel.Summary;
import io.cellhub.snapshot.SnapshotModel.Trigger;
import io.cellhub.snapshot.SnapshotStore.StoredEntry;
import io.cellhub.topic.LiveTopics;
import io.cellhub.topic.Payload;
import io.cellhub.topic.TopicFilter;
import io.cellhub.topic.TopicFilters;
import io.cellhub.topic.TopicMessage;
import io.cellhub.topic.TopicSnapshot;
import io.cellhub.topic.TrafficMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * Takes, lists, diffs and restores session snapshots. Taking one copies the live state (immutable
 * values, a short lock per topic) and writes it from the calling worker thread, never from the
 * event loop that ingests.
 */
@ApplicationScoped
public class SnapshotService {

    private static final Logger LOG = Logger.getLogger(SnapshotService.class);

    private final SnapshotStore store;
    private final SnapshotConfig config;
    private final LiveTopics topics;
    private final TrafficMetrics traffic;
    private final AverageProcessor averages;
    private final HandoffProcessor handoffs;
    private final MqttPublisher publisher;
    private final RetainedMirror mirror;
    private final String clientId;
    private final List<String> filters;
    private final ReplicaRole role;
    private volatile Instant subscribedSince = Instant.now();

    public SnapshotService(SnapshotStore store, SnapshotConfig config, LiveTopics topics, TrafficMetrics traffic,
            AverageProcessor averages, HandoffProcessor handoffs, MqttPublisher publisher, RetainedMirror mirror,
            IngestConfig ingest, ReplicaRole role) {
        this.role = role;
        this.store = store;
        this.config = config;
        this.topics = topics;
        this.traffic = traffic;
        this.averages = averages;
        this.handoffs = handoffs;
        this.publisher = publisher;
        this.mirror = mirror;
        this.clientId = ingest.clientId();
        this.filters = TopicFilters.parse(ingest.filters()).filters().stream().map(TopicFilter::toString).toList();
    }

    public Summary take(Trigger trigger, String label) throws SQLException {
        Instant takenAt = Instant.now();
        List<TopicSnapshot> state = markRetained(topics.list(TopicFilter.ALL));
        long id = store.insert(takenAt, label, trigger, state, session(), rules());
        int pruned = store.prune(config.keep());
        LOG.infof("Snapshot %d (%s%s) of %d topic(s)%s", id, trigger, label == null ? "" : ", '" + label + "'", state.size(),
                pruned > 0 ? "; deleted " + pruned + " older one(s) beyond cellhub.snapshot.keep" : "");
        return new Summary(id, takenAt, label, trigger, state.size());
    }

    /** Newest first: at most {@code limit}, those taken before snapshot {@code before} when it is given. */
    public List<Summary> list(Long before, int limit) throws SQLException {
        return store.list(before, limit);
    }

    /** The snapshot with at most {@code limit} of its entries matching {@code filter}, by topic after {@code after}. */
    public Optional<Detail> get(long id, TopicFilter filter, String after, int limit) throws SQLException {
        Optional<SnapshotStore.Header> header = store.header(id);
        if (header.isEmpty()) {
            return Optional.empty();
        }
        Summary summary = header.get().summary();
        List<Entry> entries = store.entries(id, filter, after, limit).stream().map(SnapshotService::entry).toList();
        return Optional.of(new Detail(summary.id(), summary.takenAt(), summary.label(), summary.trigger(), summary.topics(),
                header.get().session(), header.get().rules(), entries));
    }

    /**
     * What changed from snapshot {@code from} to snapshot {@code to}, one page of at most {@code limit}
     * topics after {@code after} (in topic order); empty when either does not exist.
     */
    public Optional<Diff> diff(long from, long to, String after, int limit) throws SQLException {
        if (store.header(from).isEmpty() || store.header(to).isEmpty()) {
            return Optional.empty();
        }
        List<SnapshotStore.DiffRow> rows = store.diff(from, to, after, limit + 1);
        List<Entry> added = new ArrayList<>();
        List<Entry> removed = new ArrayList<>();
        List<Change> changed = new ArrayList<>();
        for (SnapshotStore.DiffRow row : rows.subList(0, Math.min(limit, rows.size()))) {
            if (row.before() == null) {
                added.add(entry(row.after()));
            } else if (row.after() == null) {
                removed.add(entry(row.before()));
            } else {
                changed.add(new Change(row.topic(), entry(row.before()), entry(row.after())));
            }
        }
        String next = rows.size() > limit ? rows.get(limit - 1).topic() : null;
        return Optional.of(new Diff(from, to, added, removed, changed, next));
    }

    /** Republishes the snapshot's retained entries as retained; completes with how many. */
    public Optional<CompletionStage<Integer>> restore(long id, TopicFilter filter) throws SQLException {
        if (store.header(id).isEmpty()) {
            return Optional.empty();
        }
        List<CompletableFuture<Void>> published = store.entries(id).stream()
                .filter(e -> e.retained() && filter.matches(e.topic()))
                .map(e -> publisher.publish(new OutgoingMessage(e.topic(), Payload.copyOf(e.payload()), e.qos(), true))
                        .toCompletableFuture())
                .toList();
        return Optional.of(CompletableFuture.allOf(published.toArray(CompletableFuture[]::new)).thenApply(v -> published.size()));
    }

    @Scheduled(every = "${cellhub.snapshot.every:5m}", delayed = "${cellhub.snapshot.every:5m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void takeScheduled() {
        if (!role.runsFleetWideJobs()) {
            return; // another cluster replica takes the fleet's scheduled snapshots
        }
        try {
            take(Trigger.scheduled, null);
        } catch (SQLException e) {
            LOG.warnf("Scheduled snapshot failed, trying again at the next one: %s", e.getMessage());
        }
    }

    void takeAtShutdown(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER + 10) ShutdownEvent event) {
        if (!config.onShutdown()) {
            return;
        }
        try {
            take(Trigger.shutdown, null);
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("Shutdown snapshot failed: %s", e.getMessage());
        }
    }

    void onRetainedStateSettled(@ObservesAsync RetainedStateSettled settled) {
        subscribedSince = Instant.now();
    }

    /**
     * Live traffic arrives with RETAIN = 0 even for retained messages, so an entry counts as
     * retained when the retained mirror holds the same payload for its topic.
     */
    private List<TopicSnapshot> markRetained(List<TopicSnapshot> state) {
        mirror.flush();
        Map<String, byte[]> retained = new HashMap<>();
        for (RetainedMessage row : mirror.list(TopicFilter.ALL)) {
            retained.put(row.topic, row.payload);
        }
        return state.stream().map(snapshot -> {
            byte[] held = retained.get(snapshot.topic());
            boolean isRetained = held != null && Payload.copyOf(held).equals(snapshot.last().payload());
            return isRetained == snapshot.last().retained() ? snapshot
                    : new TopicSnapshot(new TopicMessage(snapshot.topic(), snapshot.last().payload(), snapshot.last().qos(),
                            isRetained, snapshot.last().receivedAt(), snapshot.last().replayed()), snapshot.count());
        }).toList();
    }

    private Session session() {
        return new Session(clientId, false, filters.stream().map(filter -> new Subscription(filter, 1)).toList(), subscribedSince, traffic.receivedCount(),
                traffic.publishedCount());
    }

    private List<RuleState> rules() {
        return Stream.concat(averages.rules().stream(), handoffs.rules().stream()).map(SnapshotService::ruleState).toList();
    }

    private static RuleState ruleState(Rule rule) {
        RuleStats stats = rule.stats();
        RuleStats.LastOutput last = stats.last();
        return new RuleState(rule.name(), rule.type(), stats.received(), stats.published(), stats.ignored(), stats.cut(),
                last == null ? null : last.topic(), last == null ? null : last.payload(), last == null ? null : last.at());
    }

    private static Entry entry(StoredEntry stored) {
        Payload payload = Payload.copyOf(stored.payload());
        return new Entry(stored.topic(), payload.text().orElse(null), payload.isText() ? null : payload.base64(), stored.qos(),
                stored.retained(), stored.updatedAt());
    }
}
