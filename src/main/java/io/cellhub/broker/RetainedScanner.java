package io.cellhub.broker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.cellhub.topic.Payload;
import io.cellhub.topic.TopicFilter;
import io.cellhub.topic.TopicMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.mqtt.MqttClient;

/**
 * Reads the broker's retained messages the way MQTT Explorer does: a short clean session subscribes
 * afresh and collects what the broker re-sends with RETAIN = 1, until none has arrived for a quiet
 * period. It subscribes at QoS 2, so each message arrives with the QoS it was retained with. The
 * same for the embedded broker and an external one.
 */
@ApplicationScoped
public class RetainedScanner {

    private final Vertx vertx;
    private final BrokerAddress broker;

    private final Duration quietPeriod;
    private final Duration timeout;

    public RetainedScanner(Vertx vertx, BrokerAddress broker,
            @ConfigProperty(name = "cellhub.ingest.scan-quiet-period") Duration quietPeriod,
            @ConfigProperty(name = "cellhub.ingest.scan-timeout") Duration timeout) {
        this.vertx = vertx;
        this.broker = broker;
        this.quietPeriod = quietPeriod;
        this.timeout = timeout;
    }

    /**
     * What one scan found, where ({@code source}: the broker's address), and whether it
     * ran into its time limit before the broker went quiet.
     */
    public record Result(List<TopicMessage> retained, boolean timedOut, Duration took, String source) {
    }

    /**
     * The retained messages on topics matching {@code filter}. A scan ends after
     * {@code cellhub.ingest.scan-quiet-period} without a retained message, or at
     * {@code cellhub.ingest.scan-timeout}.
     */
    public Future<Result> scan(TopicFilter filter) {
        return scanOverMqtt(filter, System.nanoTime());
    }

    private Future<Result> scanOverMqtt(TopicFilter filter, long startedAt) {
        MqttClient client = MqttClient.create(vertx,
                broker.clientOptions("cellhub-scan-" + UUID.randomUUID().toString().substring(0, 8)).setCleanSession(true));
        List<TopicMessage> found = new ArrayList<>();
        long[] lastRetained = { startedAt };
        client.publishHandler(publish -> {
            String topic = publish.topicName();
            if (publish.isRetain() && filter.matches(topic)) {
                lastRetained[0] = System.nanoTime();
                found.add(new TopicMessage(topic, Payload.adopt(publish.payload().getBytes()), publish.qosLevel().value(), true,
                        Instant.now()));
            }
        });
        Promise<Result> result = Promise.promise();
        client.connect(broker.port(), broker.host())
                .compose(ack -> subscribeAcknowledged(client, filter))
                .onSuccess(subscribed -> {
                    lastRetained[0] = System.nanoTime();
                    vertx.setPeriodic(50, timer -> {
                        long now = System.nanoTime();
                        boolean quiet = now - lastRetained[0] >= quietPeriod.toNanos();
                        boolean timedOut = now - startedAt >= timeout.toNanos();
                        if (quiet || timedOut) {
                            vertx.cancelTimer(timer);
                            client.disconnect();
                            result.complete(new Result(List.copyOf(found), !quiet, Duration.ofNanos(now - startedAt),
                                    broker.toString()));
                        }
                    });
                })
                .onFailure(e -> {
                    if (client.isConnected()) {
                        client.disconnect();
                    }
                    result.fail(e);
                });
        return result.future();
    }

    public BrokerAddress broker() {
        return broker;
    }

    /** Subscribes and completes on SUBACK, or fails when none comes within the scan's timeout. */
    private Future<Void> subscribeAcknowledged(MqttClient client, TopicFilter filter) {
        Promise<Void> acknowledged = Promise.promise();
        client.subscribeCompletionHandler(suback -> acknowledged.tryComplete());
        client.subscribe(filter.toString(), MqttQoS.EXACTLY_ONCE.value());
        long timer = vertx.setTimer(timeout.toMillis(), t -> acknowledged.tryFail("no SUBACK for '" + filter + "' within "
                + timeout.toMillis() + " ms"));
        return acknowledged.future().onComplete(done -> vertx.cancelTimer(timer));
    }
}
