package io.cellhub.ingest;


import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.cellhub.broker.BrokerConfig;
import io.cellhub.broker.RetainedScanner;
import io.cellhub.topic.LiveTopics;
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
 * retained messages. The scan runs once at start (and is retried until the broker answers); against
 * an external broker it runs again every {@code cellhub.retained.scan-every}, since live MQTT 3.1.1
 * deliveries do not say which messages are retained. The embedded broker reports each retained
 * publish as it happens.
 */
@ApplicationScoped
public class RetainedScan {

    private static final Logger LOG = Logger.getLogger(RetainedScan.class);
    private static final long RETRY_MILLIS = 2_000;

    private final Vertx vertx;
    private final RetainedScanner scanner;
    private final LiveTopics topics;
    private final TopicFilter filter;
    private final boolean embedded;
    private volatile boolean running;

    private final Event<RetainedStateSettled> settled;
    private final Event<RetainedScanned> scanned;
    private volatile boolean completed;

    public RetainedScan(Vertx vertx, RetainedScanner scanner, BrokerConfig brokerConfig, LiveTopics topics,
            IngestConfig config, Event<RetainedStateSettled> settled, Event<RetainedScanned> scanned) {
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
        scan();
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
                    LOG.infof("Retained scan of '%s' on %s found %d retained message(s) in %d ms%s", filter,
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
