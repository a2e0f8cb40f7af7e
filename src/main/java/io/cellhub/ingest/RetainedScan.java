package io.cellhub.ingest;


import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.cellhub.broker.BrokerConfig;
import io.cellhub.broker.IngestSubscribed;
import io.cellhub.broker.RetainedScanner;
import io.cellhub.topic.LiveTopics;
import io.cellhub.topic.RetainedReplay;
import io.cellhub.topic.RetainedScanned;
import io.cellhub.topic.RetainedStateSettled;
import io.cellhub.topic.TopicFilter;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.vertx.core.Vertx;

/**
 * Learns which topics the broker holds retained messages for, with a {@link RetainedScanner}, and
 * marks them retained in the live state.
 * <p>
 * The ingest channel alone cannot: it keeps a persistent session, and when the broker still has
 * that session after a restart the connector does not subscribe again, so the broker re-sends no
 * retained messages; and Moquette sends a new QoS 1 subscription's re-sends without the RETAIN flag.
 * Against an external broker the scan runs at start; with the embedded broker after each ingest
 * subscription, once Moquette's unflagged re-sends are in, so the scan's marks land after them.
 */
@ApplicationScoped
public class RetainedScan {

    private static final Logger LOG = Logger.getLogger(RetainedScan.class);
    private static final long RETRY_MILLIS = 2_000;
    private static final long INGEST_SETTLE_MILLIS = 500;
    /**
     * Moquette writes a new subscription's retained re-sends before it tells the interceptors about
     * the subscription, so they are on the loopback connection well within this.
     */
    private static final long REPLAY_MILLIS = 100;
    /**
     * Reading the store takes no time, unlike a scan over MQTT (its quiet period alone is 300 ms),
     * so it waits until the re-sends have had twice the time they need.
     */
    private static final long STORE_READ_AFTER_MILLIS = 2 * REPLAY_MILLIS;

    private final Vertx vertx;
    private final RetainedScanner scanner;
    private final LiveTopics topics;
    private final TopicFilter filter;
    private final boolean embedded;
    private volatile boolean running;

    private final RetainedReplay replay;
    private final Event<RetainedStateSettled> settled;
    private final Event<RetainedScanned> scanned;
    private volatile boolean completed;

    public RetainedScan(Vertx vertx, RetainedScanner scanner, BrokerConfig brokerConfig, LiveTopics topics,
            IngestConfig config, RetainedReplay replay, Event<RetainedStateSettled> settled, Event<RetainedScanned> scanned) {
        this.replay = replay;
        this.settled = settled;
        this.scanned = scanned;
        this.vertx = vertx;
        this.scanner = scanner;
        this.topics = topics;
        this.embedded = brokerConfig.embedded();
        this.filter = TopicFilter.parse(config.filter());
    }

    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION) StartupEvent event) {
        running = true;
        if (!embedded) {
            // Mosquitto, HiveMQ and EMQX flag retained re-sends correctly: the flag tells replays apart.
            replay.settle();
            scan();
        }
    }


    /**
     * With the embedded broker, scans each time the ingest subscription is made, shortly after the
     * broker has re-sent the retained messages to it. Moquette labels those re-sends RETAIN = 0 at
     * QoS 1; the scan that follows marks them retained. Scanning before them would let the
     * mislabelled copies overwrite the scan's.
     */
    void onIngestSubscribed(@ObservesAsync IngestSubscribed event) {
        replay.begin();
        vertx.setTimer(REPLAY_MILLIS, t -> replay.settle());
        vertx.setTimer(scanner.readsStore() ? STORE_READ_AFTER_MILLIS : INGEST_SETTLE_MILLIS, t -> scan());
    }

    /** True once a scan has run to its end since start. */
    public boolean hasCompleted() {
        return completed;
    }

    /** Keeps the retained mirror of an external broker fresh; the embedded broker reports changes as they happen. */
    @Scheduled(every = "${cellhub.retained.scan-every:1m}", delayed = "${cellhub.retained.scan-every:1m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void rescan() {
        if (!embedded && completed) {
            scan();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
    }

    private void scan() {
        if (!running) {
            return;
        }
        scanner.scan(filter)
                .onSuccess(result -> {
                    result.retained().forEach(topics::recordRetained);
                    completed = true;
                    settled.fireAsync(new RetainedStateSettled(result.retained().size()));
                    scanned.fireAsync(new RetainedScanned(filter, result.retained()));
                    LOG.infof("Retained scan of '%s' in %s found %d retained message(s) in %d ms%s", filter,
                            result.source(), result.retained().size(), result.took().toMillis(),
                            result.timedOut() ? " (stopped at cellhub.ingest.scan-timeout; more may exist)" : "");
                })
                .onFailure(e -> {
                    LOG.warnf("Retained scan could not reach the MQTT broker at %s (%s); retrying in %d s", scanner.broker(),
                            e.getMessage(), RETRY_MILLIS / 1000);
                    vertx.setTimer(RETRY_MILLIS, t -> scan());
                });
    }
}
