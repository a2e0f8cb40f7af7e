package io.cellhub.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.cellhub.broker.BrokerAddress;
import io.cellhub.broker.BrokerConfig;
import io.cellhub.broker.IngestSubscribed;
import io.cellhub.topic.LiveTopics;
import io.cellhub.topic.Payload;
import io.cellhub.topic.RetainedReplay;
import io.cellhub.topic.RetainedStateSettled;
import io.cellhub.topic.TopicFilter;
import io.cellhub.topic.TopicMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.mqtt.MqttClient;

/**
 * Learns which topics the broker holds retained messages for, by subscribing afresh with a short
 * clean session, the way MQTT Explorer does.
 * <p>
 * The ingest channel alone cannot: it keeps a persistent session, and when the broker still has
 * that session after a restart the connector does not subscribe again, so the broker re-sends no
 * retained messages. Against an external broker the scan subscribes at QoS 2, so each message
 * arrives with the QoS it was retained with; against the embedded broker at QoS 0, because
 * Moquette 0.17 clears the retain flag on retained messages it delivers to QoS 1 and 2
 * subscriptions (such topics then show QoS 0 until a live message arrives). It ends once no
 * retained message has arrived for {@code cellhub.ingest.scan-quiet-period}.
 */
@ApplicationScoped
public class RetainedScan {

    private static final Logger LOG = Logger.getLogger(RetainedScan.class);
    private static final long RETRY_MILLIS = 2_000;
    private static final long SUBACK_WAIT_MILLIS = 1_000;
    private static final long INGEST_SETTLE_MILLIS = 500;
    /**
     * Moquette writes a new subscription's retained re-sends before it tells the interceptors about
     * the subscription, so they are on the loopback connection well within this.
     */
    private static final long REPLAY_MILLIS = 100;

    private final Vertx vertx;
    private final BrokerAddress broker;
    private final LiveTopics topics;
    private final TopicFilter filter;
    private final IngestConfig config;
    private final MqttQoS scanQos;
    private final boolean embedded;
    private volatile boolean running;

    private final RetainedReplay replay;
    private final Event<RetainedStateSettled> settled;
    private volatile boolean completed;

    public RetainedScan(Vertx vertx, BrokerAddress broker, BrokerConfig brokerConfig, LiveTopics topics, IngestConfig config,
            RetainedReplay replay, Event<RetainedStateSettled> settled) {
        this.replay = replay;
        this.settled = settled;
        this.vertx = vertx;
        this.broker = broker;
        this.topics = topics;
        this.config = config;
        this.embedded = brokerConfig.embedded();
        this.scanQos = embedded ? MqttQoS.AT_MOST_ONCE : MqttQoS.EXACTLY_ONCE;
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
        vertx.setTimer(INGEST_SETTLE_MILLIS, t -> scan());
    }

    /** True once a scan has run to its end since start. */
    public boolean hasCompleted() {
        return completed;
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
    }

    /**
     * Subscribes and completes on SUBACK, sending SUBSCRIBE again when no SUBACK comes within a
     * second: Moquette 0.17 drops a SUBSCRIBE that arrives right after CONNACK.
     */
    private Future<Void> subscribeAcknowledged(MqttClient client, int attempt) {
        Promise<Void> acknowledged = Promise.promise();
        client.subscribeCompletionHandler(suback -> acknowledged.tryComplete());
        client.subscribe(filter.toString(), scanQos.value());
        long timer = vertx.setTimer(SUBACK_WAIT_MILLIS, t -> acknowledged.tryFail("no SUBACK"));
        return acknowledged.future()
                .onComplete(done -> vertx.cancelTimer(timer))
                .recover(e -> attempt < 5 && client.isConnected()
                        ? subscribeAcknowledged(client, attempt + 1)
                        : Future.failedFuture("no SUBACK for '" + filter + "' after " + attempt + " attempts"));
    }

    private void scan() {
        if (!running) {
            return;
        }
        MqttClient client = MqttClient.create(vertx,
                broker.clientOptions("cellhub-scan-" + UUID.randomUUID().toString().substring(0, 8)).setCleanSession(true));
        AtomicInteger found = new AtomicInteger();
        long startedAt = System.nanoTime();
        long[] lastRetained = { startedAt };
        client.publishHandler(publish -> {
            if (publish.isRetain() && !MqttIngest.isSystemTopic(publish.topicName()) && filter.matches(publish.topicName())) {
                lastRetained[0] = System.nanoTime();
                found.incrementAndGet();
                topics.recordRetained(new TopicMessage(publish.topicName(), Payload.adopt(publish.payload().getBytes()),
                        publish.qosLevel().value(), true, Instant.now()));
            }
        });
        client.connect(broker.port(), broker.host())
                .compose(ack -> subscribeAcknowledged(client, 1))
                .onSuccess(subscribed -> {
                    lastRetained[0] = System.nanoTime();
                    vertx.setPeriodic(50, timer -> {
                        long now = System.nanoTime();
                        boolean quiet = now - lastRetained[0] >= config.scanQuietPeriod().toNanos();
                        boolean timedOut = now - startedAt >= config.scanTimeout().toNanos();
                        if (quiet || timedOut || !running) {
                            vertx.cancelTimer(timer);
                            client.disconnect();
                            completed = true;
                            settled.fireAsync(new RetainedStateSettled(found.get()));
                            LOG.infof("Retained scan of '%s' on %s found %d retained message(s) in %d ms%s", filter, broker,
                                    found.get(), Duration.ofNanos(now - startedAt).toMillis(),
                                    timedOut ? " (stopped at cellhub.ingest.scan-timeout; more may exist)" : "");
                        }
                    });
                })
                .onFailure(e -> {
                    LOG.warnf("Retained scan could not reach the MQTT broker at %s (%s); retrying in %d s", broker,
                            e.getMessage(), RETRY_MILLIS / 1000);
                    if (client.isConnected()) {
                        client.disconnect();
                    }
                    vertx.setTimer(RETRY_MILLIS, t -> scan());
                });
    }
}
