package io.cellhub.channel;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.smallrye.reactive.messaging.health.HealthReport.HealthReportBuilder;
import io.smallrye.reactive.messaging.mqtt.MqttConnectorOutgoingConfiguration;
import io.smallrye.reactive.messaging.mqtt.SendingMqttMessageMetadata;
import io.smallrye.reactive.messaging.mqtt.session.MqttClientSession;
import io.smallrye.reactive.messaging.mqtt.session.MqttClientSessionOptions;
import io.smallrye.reactive.messaging.mqtt.session.SessionState;
import io.smallrye.reactive.messaging.providers.helpers.MultiUtils;
import io.vertx.core.buffer.Buffer;

/**
 * One outgoing channel of {@link CellHubMqttConnector}. The {@code smallrye-mqtt} sink sends a
 * message, waits until it is written, and only then takes the next, so a channel moves one message
 * per event-loop round trip, and a burst of processor output overflows its emitter. This sink keeps
 * up to {@code window} messages in flight on the session, sends them in the order they arrive, and
 * acknowledges a QoS 1/2 message once the broker has (PUBACK/PUBCOMP), a QoS 0 message once written.
 * A message the broker had not acknowledged when the connection closed is nacked.
 */
final class PipelinedMqttSink {

    static final int DEFAULT_WINDOW = 1000;

    private static final Logger LOG = Logger.getLogger(PipelinedMqttSink.class);
    /** Marks a packet id whose PUBACK arrived before its publish future told us the id. */
    private static final Object ACKNOWLEDGED_EARLY = new Object();

    private final String channel;
    private final String defaultTopic;
    private final MqttQoS defaultQos;
    private final boolean defaultRetain;
    private final boolean healthEnabled;
    private final SharedSession shared;
    private final MqttClientSession session;
    private final Flow.Subscriber<? extends Message<?>> subscriber;
    /** Packet id → the emitter of a QoS 1/2 message waiting for its PUBACK/PUBCOMP, or {@link #ACKNOWLEDGED_EARLY}. */
    private final Map<Integer, Object> awaitingAck = new ConcurrentHashMap<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean alive = new AtomicBoolean();

    PipelinedMqttSink(SharedSession shared, MqttConnectorOutgoingConfiguration config, MqttClientSessionOptions options,
            int window) {
        if (window < 1 || window > options.getMaxInflightQueue()) {
            throw new IllegalArgumentException("mp.messaging.outgoing." + config.getChannel() + ".pipeline-window must be "
                    + "between 1 and max-inflight-queue (" + options.getMaxInflightQueue() + "), is " + window);
        }
        this.channel = config.getChannel();
        this.defaultTopic = config.getTopic().orElse(channel);
        this.defaultQos = MqttQoS.valueOf(config.getQos());
        this.defaultRetain = config.getRetain();
        this.healthEnabled = config.getHealthEnabled();
        this.shared = shared;
        this.session = shared.session();
        session.publishCompletionHandler(this::acknowledged);
        session.publishCompletionExpirationHandler(id -> failAwaiting(id, "the broker did not acknowledge it in time"));
        shared.onStateChange(event -> {
            if (event.getSessionState() == SessionState.DISCONNECTED) {
                failAllAwaiting(event.getCause());
            }
        });
        this.subscriber = MultiUtils.<Message<?>, Message<?>> via(messages -> messages
                .onSubscription().call(() -> Uni.createFrom().completionStage(shared.start().toCompletionStage())
                        .invoke(() -> {
                            started.set(true);
                            alive.set(true);
                        }))
                .onItem().transformToUni(this::send).merge(window)
                .onCompletion().invoke(() -> {
                    alive.set(false);
                    shared.stop();
                })
                .onFailure().invoke(failure -> {
                    alive.set(false);
                    LOG.errorf(failure, "The outgoing MQTT channel %s failed", channel);
                }));
    }

    Flow.Subscriber<? extends Message<?>> subscriber() {
        return subscriber;
    }

    private Uni<Message<?>> send(Message<?> message) {
        Optional<SendingMqttMessageMetadata> metadata = message.getMetadata(SendingMqttMessageMetadata.class);
        String topic = metadata.map(SendingMqttMessageMetadata::getTopic).orElse(defaultTopic);
        MqttQoS qos = metadata.map(SendingMqttMessageMetadata::getQosLevel).orElse(defaultQos);
        boolean retain = metadata.map(SendingMqttMessageMetadata::isRetain).orElse(defaultRetain);
        Uni<Void> sent = Uni.createFrom().emitter(emitter -> session.publish(topic, payload(message.getPayload()), qos, false, retain)
                .onComplete(written -> {
                    if (written.failed()) {
                        emitter.fail(written.cause());
                    } else if (qos == MqttQoS.AT_MOST_ONCE) {
                        emitter.complete(null);
                    } else {
                        await(written.result(), emitter);
                    }
                }));
        return sent.onItemOrFailure().transformToUni((ok, failure) -> Uni.createFrom()
                .completionStage(failure == null ? message.ack() : message.nack(failure))
                .replaceWith(message));
    }

    private void await(int packetId, UniEmitter<? super Void> emitter) {
        Object early = awaitingAck.putIfAbsent(packetId, emitter);
        if (early == ACKNOWLEDGED_EARLY) {
            awaitingAck.remove(packetId);
            emitter.complete(null);
        }
    }

    @SuppressWarnings("unchecked")
    private void acknowledged(int packetId) {
        Object waiting = awaitingAck.putIfAbsent(packetId, ACKNOWLEDGED_EARLY);
        if (waiting != null) {
            awaitingAck.remove(packetId);
            ((UniEmitter<? super Void>) waiting).complete(null);
        }
    }

    @SuppressWarnings("unchecked")
    private void failAwaiting(int packetId, String why) {
        Object waiting = awaitingAck.remove(packetId);
        if (waiting instanceof UniEmitter<?> emitter) {
            ((UniEmitter<? super Void>) emitter).fail(new IllegalStateException("Message " + packetId + " on " + channel
                    + " not acknowledged: " + why));
        }
    }

    /** The connection is gone, and with a clean session so are the broker's unacknowledged messages. */
    private void failAllAwaiting(Throwable cause) {
        if (awaitingAck.isEmpty()) {
            return;
        }
        String why = "the connection to the broker closed" + (cause == null ? "" : " (" + cause.getMessage() + ")");
        for (Integer packetId : awaitingAck.keySet()) {
            failAwaiting(packetId, why);
        }
    }

    private static Buffer payload(Object payload) {
        if (payload instanceof byte[] bytes) {
            return Buffer.buffer(bytes);
        }
        if (payload instanceof Buffer buffer) {
            return buffer;
        }
        return payload == null ? Buffer.buffer() : Buffer.buffer(payload.toString());
    }

    void reportStarted(HealthReportBuilder builder) {
        if (healthEnabled) {
            builder.add(channel, started.get());
        }
    }

    void reportReady(HealthReportBuilder builder) {
        if (healthEnabled) {
            builder.add(channel, session.isConnected());
        }
    }

    void reportAlive(HealthReportBuilder builder) {
        if (healthEnabled) {
            builder.add(channel, alive.get());
        }
    }
}
