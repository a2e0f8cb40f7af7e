package io.cellhub.retained;


import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.cellhub.broker.BrokerConfig;
import io.cellhub.channel.ChannelConnected;
import io.cellhub.ingest.IngestConfig;
import io.cellhub.topic.LiveTopics;
import io.cellhub.topic.TopicFilters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.vertx.core.Vertx;

/**
 * Learns which topics the broker holds retained messages for, with a {@link RetainedScanner}, and
 * marks them retained in the live state.
 * <p>
 * The ingest channel alone cannot: it keeps a persistent session, and when the broker still has
 * that session after a restart it re-sends no retained messages; over MQTT 5 it subscribes with
 * Retain Handling "do not send" anyway, so that its deliveries are live messages only. The scan
 * runs once at start (retried until the broker answers) and again after the ingest reconnected
 * without a session. Over MQTT 3.1.1, whose live deliveries do not say which messages are retained,
 * an external broker is also rescanned every {@code cellhub.retained.scan-every}; over MQTT 5 live
 * deliveries carry the RETAIN flag as published, and the embedded broker reports each retained
 * publish as it happens.
 * <p>
 * A scan also follows the ingest's first connection when that one made a new subscription after a
 * scan had begun: a message retained between the scan's subscription and the ingest's would reach
 * neither (CellHub started before its broker, both retrying every 2 s, while devices publish their
 * retained values as the broker comes up). Scans run one at a time ({@link SerialScans}).
 */
@ApplicationScoped
public class RetainedScan {

    private static final Logger LOG = Logger.getLogger(RetainedScan.class);
    private static final long RETRY_MILLIS = 2_000;
    private static final String INGEST_CHANNEL = "mqtt-in";

    private final Vertx vertx;
    private final RetainedScanner scanner;
    private final LiveTopics topics;
    private final TopicFilters filters;
    private final boolean embedded;
    private volatile boolean running;
    private final SerialScans serial = new SerialScans(this::scanNow);
    /** Whether a scan has begun since start: a new ingest subscription after that may have missed something. */
    private volatile boolean begun;

    private final Event<RetainedStateSettled> settled;
    private final Event<RetainedScanned> scanned;
    private final Counter scans;
    private volatile boolean completed;
    /** Whether live ingest deliveries say which messages are retained (MQTT 5, Retain As Published). */
    private volatile boolean liveRetainFlags;

    public RetainedScan(Vertx vertx, RetainedScanner scanner, BrokerConfig brokerConfig, LiveTopics topics,
            IngestConfig config, Event<RetainedStateSettled> settled, Event<RetainedScanned> scanned, MeterRegistry registry) {
        this.scans = Counter.builder("cellhub.retained.scans")
                .description("Scans of the broker's retained messages: at start, after a reconnect without session, "
                        + "and periodically against an external broker over MQTT 3.1.1")
                .register(registry);
        this.settled = settled;
        this.scanned = scanned;
        this.vertx = vertx;
        this.scanner = scanner;
        this.topics = topics;
        this.embedded = brokerConfig.embedded();
        this.filters = TopicFilters.parse(config.filters());
    }

    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION) StartupEvent event) {
        running = true;
        scan();
    }

    /** After the ingest subscribed with a new session once a scan had begun, what it missed is learned by another scan. */
    void onIngestConnected(@ObservesAsync ChannelConnected connected) {
        if (!connected.channel().equals(INGEST_CHANNEL)) {
            return;
        }
        liveRetainFlags = connected.liveRetainFlags();
        if (connected.sessionPresent() || !begun) {
            return; // a kept session missed nothing; a scan that begins after this subscription leaves no gap
        }
        LOG.info(connected.firstConnection()
                ? "The ingest channel subscribed after the retained scan had begun; scanning again, so that a message retained "
                        + "in between reaches the retained state and the rules"
                : "The ingest channel reconnected without its session; scanning the broker's retained messages again");
        scan();
    }

    /** True once a scan has run to its end since start. */
    public boolean hasCompleted() {
        return completed;
    }

    /**
     * Keeps the retained mirror of an external broker fresh over MQTT 3.1.1; the embedded broker reports
     * changes as they happen, and over MQTT 5 live deliveries carry the RETAIN flag as published.
     */
    @Scheduled(every = "${cellhub.retained.scan-every:1m}", delayed = "${cellhub.retained.scan-every:1m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void rescan() {
        if (!embedded && completed && !liveRetainFlags) {
            scan();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
    }

    private void scan() {
        if (running) {
            serial.request();
        }
    }

    private void scanNow() {
        if (!running) {
            serial.done();
            return;
        }
        begun = true;
        scans.increment();
        scanner.scan(filters).whenComplete((result, failure) -> {
            if (failure == null) {
                try {
                    result.retained().forEach(topics::recordRetained);
                    completed = true;
                    settled.fireAsync(new RetainedStateSettled(result.retained().size()));
                    scanned.fireAsync(new RetainedScanned(filters, result.retained()));
                    LOG.infof("Retained scan of '%s' on %s found %d retained message(s) in %d ms%s", filters, result.source(),
                            result.retained().size(), result.took().toMillis(),
                            result.timedOut() ? " (stopped at cellhub.ingest.scan-timeout; more may exist)" : "");
                } finally {
                    serial.done();
                }
            } else {
                LOG.warnf("Retained scan could not reach the MQTT broker at %s (%s); retrying in %d s", scanner.broker(),
                        failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage(),
                        RETRY_MILLIS / 1000);
                vertx.setTimer(RETRY_MILLIS, t -> {
                    serial.retrying();
                    scanNow();
                });
            }
        });
    }
}
