package io.cellhub.broker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

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
 * Reads the broker's retained messages. The embedded broker's come straight from its store
 * ({@link EmbeddedBroker#retained}), each with the QoS it was retained with. Any other broker is
 * read the way MQTT Explorer does: a short clean session subscribes afresh and collects what the
 * broker re-sends with RETAIN = 1, until none has arrived for a quiet period.
 * <p>
 * That scan subscribes at QoS 2, so each message arrives with the QoS it was retained with; at QoS 0
 * against the embedded broker (when its store cannot be read), because Moquette 0.17 clears the
 * RETAIN flag on retained messages it sends to QoS 1 and 2 subscriptions.
 */
@ApplicationScoped
public class RetainedScanner {

    private static final long SUBACK_WAIT_MILLIS = 1_000;
    private static final int SUBSCRIBE_ATTEMPTS = 5;

    private final Vertx vertx;
    private final BrokerAddress broker;
    private final MqttQoS scanQos;
    private final Optional<EmbeddedBroker> embeddedBroker;

    private final Duration quietPeriod;
    private final Duration timeout;

    public RetainedScanner(Vertx vertx, BrokerAddress broker, BrokerConfig config, Instance<EmbeddedBroker> embeddedBroker,
            @ConfigProperty(name = "cellhub.ingest.scan-quiet-period") Duration quietPeriod,
            @ConfigProperty(name = "cellhub.ingest.scan-timeout") Duration timeout) {
        this.vertx = vertx;
        this.broker = broker;
        this.scanQos = config.embedded() ? MqttQoS.AT_MOST_ONCE : MqttQoS.EXACTLY_ONCE;
        this.embeddedBroker = config.embedded() && embeddedBroker.isResolvable() ? Optional.of(embeddedBroker.get())
                : Optional.empty();
        this.quietPeriod = quietPeriod;
        this.timeout = timeout;
    }

    /**
     * What one scan found, where ({@code source}: the broker's address, or its store), and whether it
     * ran into its time limit before the broker went quiet.
     */
    public record Result(List<TopicMessage> retained, boolean timedOut, Duration took, String source) {
    }

    /**
     * The retained messages on topics matching {@code filter}, {@code $SYS} topics left out. A scan
     * over MQTT ends after {@code cellhub.ingest.scan-quiet-period} without a retained message, or at
     * {@code cellhub.ingest.scan-timeout}.
     */
    public Future<Result> scan(TopicFilter filter) {
        long startedAt = System.nanoTime();
        if (embeddedBroker.isEmpty()) {
            return scanOverMqtt(filter, startedAt);
        }
        // Moquette's store may read its file: not on an event loop.
        return vertx.executeBlocking(() -> embeddedBroker.get().retained(filter), false)
                .compose(stored -> stored
                        .map(retained -> Future.succeededFuture(new Result(retained, false,
                                Duration.ofNanos(System.nanoTime() - startedAt), "the embedded broker's store")))
                        .orElseGet(() -> scanOverMqtt(filter, startedAt)));
    }

    /** Whether a scan reads the embedded broker's store, and so sees its state at once. */
    public boolean readsStore() {
        return embeddedBroker.isPresent();
    }

    private Future<Result> scanOverMqtt(TopicFilter filter, long startedAt) {
        MqttClient client = MqttClient.create(vertx,
                broker.clientOptions("cellhub-scan-" + UUID.randomUUID().toString().substring(0, 8)).setCleanSession(true));
        List<TopicMessage> found = new ArrayList<>();
        long[] lastRetained = { startedAt };
        client.publishHandler(publish -> {
            String topic = publish.topicName();
            if (publish.isRetain() && !topic.startsWith("$SYS") && filter.matches(topic)) {
                lastRetained[0] = System.nanoTime();
                found.add(new TopicMessage(topic, Payload.adopt(publish.payload().getBytes()), publish.qosLevel().value(), true,
                        Instant.now()));
            }
        });
        Promise<Result> result = Promise.promise();
        client.connect(broker.port(), broker.host())
                .compose(ack -> subscribeAcknowledged(client, filter, 1))
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

    /**
     * Subscribes and completes on SUBACK, sending SUBSCRIBE again when no SUBACK comes within a
     * second: Moquette 0.17 drops a SUBSCRIBE that arrives right after CONNACK.
     */
    private Future<Void> subscribeAcknowledged(MqttClient client, TopicFilter filter, int attempt) {
        Promise<Void> acknowledged = Promise.promise();
        client.subscribeCompletionHandler(suback -> acknowledged.tryComplete());
        client.subscribe(filter.toString(), scanQos.value());
        long timer = vertx.setTimer(SUBACK_WAIT_MILLIS, t -> acknowledged.tryFail("no SUBACK"));
        return acknowledged.future()
                .onComplete(done -> vertx.cancelTimer(timer))
                .recover(e -> attempt < SUBSCRIBE_ATTEMPTS && client.isConnected()
                        ? subscribeAcknowledged(client, filter, attempt + 1)
                        : Future.failedFuture("no SUBACK for '" + filter + "' after " + attempt + " attempts"));
    }
}
