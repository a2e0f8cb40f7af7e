package io.cellhub.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.apache.kafka.clients.admin.Admin;
import org.jboss.logging.Logger;

import io.cellhub.CellHubConfig;
import io.cellhub.ReplicaRole;
import io.cellhub.channel.MqttSettings;
import io.cellhub.ingest.IngestConfig;
import io.cellhub.ingest.PubAcks;
import io.cellhub.journal.JournalConfig;
import io.cellhub.journal.KafkaJournal;
import io.cellhub.publish.MqttPublisher;
import io.cellhub.retained.RetainedScanner;
import io.cellhub.retained.RetainedStateSettled;
import io.cellhub.rule.AverageProcessor;
import io.cellhub.rule.HandoffProcessor;
import io.cellhub.rule.Rule;
import io.cellhub.topic.DurableLog;
import io.cellhub.topic.LiveTopics;
import io.cellhub.topic.TopicListener;
import io.cellhub.topic.TrafficMetrics;
import io.quarkus.arc.All;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * This process as a cluster replica: starts, once Kafka answers, the parts of cluster mode
 * ({@link IngestOwnership}, {@link RulePartitions}, {@link Egress}, {@link JournalFeed},
 * {@link LiveView}) and stops them on shutdown, leaving every group at once. Without
 * {@code cellhub.cluster.kafka.bootstrap-servers} it does nothing at all.
 */
@Singleton
public class ClusterNode implements ReplicaRole {

    private static final Logger LOG = Logger.getLogger(ClusterNode.class);

    private final ClusterMode mode;
    private final CellKeys keys;
    private final AverageProcessor averages;
    private final HandoffProcessor chains;
    private final MqttPublisher publisher;
    private final KafkaJournal journal;
    private final DurableLog journalFilter;
    private final JournalConfig journalConfig;
    private final List<TopicListener> viewListeners;
    private final LiveTopics topics;
    private final TrafficMetrics traffic;
    private final ClusterMetrics metrics;
    private final MqttSettings broker;
    private final IngestConfig ingest;
    private final Path dataDir;
    private final RetainedScanner scanner;
    private final PubAcks pubAcks;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "cellhub-cluster");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean started;
    private volatile boolean stopping;
    private Admin admin;
    private ClusterWatch watch;
    private RulePartitions rules;
    private ControlRecords control;
    private IngestOwnership ingestOwnership;
    private Egress egress;
    private JournalFeed journalFeed;
    private LiveView view;

    public ClusterNode(ClusterMode mode, CellKeys keys, AverageProcessor averages, HandoffProcessor chains,
            MqttPublisher publisher, KafkaJournal journal, DurableLog journalFilter, JournalConfig journalConfig,
            @All List<TopicListener> listeners, LiveTopics topics, TrafficMetrics traffic, ClusterMetrics metrics,
            MqttSettings broker, IngestConfig ingest, CellHubConfig cellhub, RetainedScanner scanner,
            PubAcks pubAcks) {
        this.mode = mode;
        this.keys = keys;
        this.averages = averages;
        this.chains = chains;
        this.publisher = publisher;
        this.journal = journal;
        this.journalFilter = journalFilter;
        this.journalConfig = journalConfig;
        // the rules run in Kafka partitions; every other listener sees the whole fleet through the live view
        this.viewListeners = listeners.stream()
                .filter(listener -> !(listener instanceof AverageProcessor) && !(listener instanceof HandoffProcessor)).toList();
        this.topics = topics;
        this.traffic = traffic;
        this.metrics = metrics;
        this.broker = broker;
        this.ingest = ingest;
        this.dataDir = cellhub.dataDir();
        this.scanner = scanner;
        this.pubAcks = pubAcks;
    }

    /** After the messaging channels are wired (their emitters exist), before the retained scan starts. */
    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION - 10) StartupEvent event) {
        if (!mode.enabled()) {
            return;
        }
        averages.runOnPartitions();
        chains.runOnPartitions();
        LOG.infof("Cluster mode: replica %s on Kafka %s", mode.replicaId(), mode.bootstrapServers());
        scheduler.execute(this::startParts);
    }

    private void startParts() {
        if (stopping) {
            return;
        }
        try {
            if (admin == null) {
                admin = Admin.create(mode.common("admin"));
                watch = new ClusterWatch(mode, admin);
            }
            List<String> spaces = IngestSpaces.of(mode.config(), ingest);
            ClusterTopics.ensure(admin, mode, spaces.size());
            rules = new RulePartitions(mode, averages, chains, dataDir.resolve("kafka-streams").resolve(mode.replicaId()));
            rules.start();
            control = new ControlRecords(mode);
            view = new LiveView(mode, viewListeners, traffic);
            view.start();
            if (journalConfig.enabled()) {
                journalFeed = new JournalFeed(mode, journal, journalFilter, metrics);
                journalFeed.start();
            }
            egress = new Egress(mode, publisher, control, metrics);
            egress.start();
            RetainedInputs retainedInputs = new RetainedInputs(scanner, averages, keys, mode, ingest.scanTimeout());
            ingestOwnership = new IngestOwnership(mode, spaces, keys, broker, ingest, traffic, metrics, retainedInputs,
                    pubAcks);
            ingestOwnership.start();
            started = true;
            scheduler.scheduleWithFixedDelay(watch::refresh, 0, ClusterWatch.PERIOD.toMillis(), TimeUnit.MILLISECONDS);
            LOG.infof("Cluster mode: replica %s started (%d ingest space(s) %s, %d partitions)", mode.replicaId(), spaces.size(),
                    spaces, mode.config().kafka().partitions());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                return;
            }
            LOG.warnf("Cluster mode: Kafka at %s is not usable yet (%s); trying again in 2 s. Check "
                    + "cellhub.cluster.kafka.bootstrap-servers and that the brokers run.", mode.bootstrapServers(), e.getMessage());
            scheduler.schedule(this::startParts, 2, TimeUnit.SECONDS);
        }
    }

    /**
     * Once this replica knows the broker's retained state, asks each chain's partition to set the
     * chain's start values; only the first such request in the fleet's life does anything.
     */
    void onRetainedStateSettled(@ObservesAsync RetainedStateSettled settled) {
        if (!mode.enabled()) {
            return;
        }
        scheduler.execute(this::requestChainStarts);
    }

    private void requestChainStarts() {
        if (!started) {
            scheduler.schedule(this::requestChainStarts, 1, TimeUnit.SECONDS);
            return;
        }
        for (Rule chain : chains.rules()) {
            List<String> missing = new ArrayList<>();
            for (String topic : chain.inputs()) {
                if (topics.get(topic).isEmpty()) {
                    missing.add(topic);
                }
            }
            try {
                control.startChain(keys.of(chain.inputs().get(0)), chain.name(), missing);
            } catch (Exception e) {
                LOG.warnf("Could not ask for the start of chain '%s' (%s); the next replica to start asks again", chain.name(),
                        e.getMessage());
            }
        }
    }

    void onStop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
        stopping = true;
        if (!started) {
            scheduler.shutdownNow();
            return;
        }
        // ingest first, so that what it took in is written and acknowledged before the rest goes
        ingestOwnership.stop();
        egress.stop();
        rules.stop();
        if (journalFeed != null) {
            journalFeed.stop();
        }
        view.stop();
        control.close();
        scheduler.shutdownNow();
        admin.close();
        LOG.infof("Cluster mode: replica %s left the cluster", mode.replicaId());
    }

    /** This replica and the cluster as Kafka last described them. */
    public ClusterStatus status() {
        if (!mode.enabled()) {
            return ClusterStatus.singleNode();
        }
        if (!started) {
            return new ClusterStatus(true, mode.replicaId(), mode.bootstrapServers(), "NOT_STARTED", false, List.of(), Map.of(),
                    null, "waiting for Kafka at " + mode.bootstrapServers());
        }
        List<ClusterStatus.Replica> replicas = new ArrayList<>();
        Map<String, Map<String, List<Integer>>> owners = new TreeMap<>(watch.owners());
        owners.forEach((replica, parts) -> replicas.add(new ClusterStatus.Replica(replica, parts.getOrDefault("rules", List.of()),
                replica.equals(mode.replicaId()) ? ClusterWatch.sorted(rules.standby()) : List.of(),
                parts.getOrDefault("egress", List.of()), parts.getOrDefault("journal", List.of()),
                parts.getOrDefault("ingest-owner", List.of()))));
        Map<String, Long> lag = new TreeMap<>(watch.lag());
        lag.put("view", view.lag());
        return new ClusterStatus(true, mode.replicaId(), mode.bootstrapServers(), rules.state(), ready(), replicas, lag,
                watch.updatedAt(), watch.problem());
    }

    /** Ready once Kafka answers, the rule partitions run (or are being rebalanced) and the live view has caught up. */
    public boolean ready() {
        if (!mode.enabled()) {
            return true;
        }
        return started && watch.kafkaReachable() && view.caughtUp()
                && ("RUNNING".equals(rules.state()) || "REBALANCING".equals(rules.state()));
    }

    public boolean enabled() {
        return mode.enabled();
    }

    /** What the live view has read: whether it caught up with what the ingest topic held at start, and its lag. */
    public String viewProgress() {
        if (!started) {
            return "not started";
        }
        return (view.caughtUp() ? "caught up" : "catching up") + ", " + view.lag() + " record(s) behind";
    }

    /** Whether Kafka answered this replica's last status request (within the last 10 s). */
    public boolean kafkaReachable() {
        return started && watch.kafkaReachable();
    }

    /** On a single node always; in cluster mode while this replica owns the first ingest space. */
    @Override
    public boolean runsFleetWideJobs() {
        return !mode.enabled() || started && ingestOwnership.owned().contains(0);
    }
}
