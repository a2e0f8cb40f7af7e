package io.cellhub.channel;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.smallrye.reactive.messaging.health.HealthReport.HealthReportBuilder;
import io.smallrye.reactive.messaging.mqtt.MqttConnectorOutgoingConfiguration;
import io.smallrye.reactive.messaging.mqtt.SendingMqttMessageMetadata;
import io.smallrye.reactive.messaging.mqtt.session.MqttClientSession;
import io.smallrye.reactive.messaging.mqtt.session.MqttClientSessionOptions;
import io.smallrye.reactive.messaging.mqtt.session.SessionState;
import io.vertx.core.buffer.Buffer;

/**
 * One outgoing channel of {@link CellHubMqttConnector}. The {@code smallrye-mqtt} sink sends a
 * message, waits until it is written, and only then takes the next, so a channel moves one message
 * per event-loop round trip, and a burst of processor output overflows its emitter. This sink keeps
 * up to {@code window} messages in flight on the session, sends them in the order they arrive, and
 * acknowledges a QoS 1/2 message once the broker has (PUBACK/PUBCOMP), a QoS 0 message once written.
 * A message the broker had not acknowledged when the connection closed is nacked.
 */
final class PipelinedMqttSink implements ChannelHealth {

    static final int DEFAULT_WINDOW = 1000;

    private static final Logger LOG = Logger.getLogger(PipelinedMqttSink.class);
    /** Marks a packet id whose PUBACK arrived before its publish future told us the id. */
    private static final Object ACKNOWLEDGED_EARLY = new Object();

    private final String channel;
    private final String defaultTopic;
    private final MqttQoS defaultQos;
    private final boolean defaultRetain;
    private final SharedSession shared;
    private final MqttClientSession session;
    private final int window;
    private volatile Flow.Subscription subscription;
    /** Packet id → the settlement of a QoS 1/2 message waiting for its PUBACK/PUBCOMP, or {@link #ACKNOWLEDGED_EARLY}. */
    private final Map<Integer, Object> awaitingAck = new ConcurrentHashMap<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean alive = new AtomicBoolean();
    private final AtomicBoolean windowOpen = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile boolean completed;

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
        this.shared = shared;
        this.session = shared.session();
        session.publishCompletionHandler(this::acknowledged);
        session.publishCompletionExpirationHandler(id -> failAwaiting(id, "the broker did not acknowledge it in time"));
        shared.onStateChange(event -> {
            if (event.getSessionState() == SessionState.CONNECTED) {
                FlushCoalescing.install(session);
            } else if (event.getSessionState() == SessionState.DISCONNECTED) {
                failAllAwaiting(event.getCause());
            }
        });
        this.window = window;
    }

    Flow.Subscriber<Message<?>> subscriber() {
        return new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                PipelinedMqttSink.this.subscription = subscription;
                // The window opens at the first connection: what the processors emit before it waits in
                // the channel instead of failing. Later outages fail messages at once (nack).
                shared.onStateChange(event -> {
                    if (event.getSessionState() == SessionState.CONNECTED && windowOpen.compareAndSet(false, true)) {
                        subscription.request(window);
                    }
                });
                shared.start().onComplete(ignored -> {
                    started.set(true);
                    alive.set(true);
                    if (shared.isConnected() && windowOpen.compareAndSet(false, true)) {
                        subscription.request(window);
                    }
                });
            }

            @Override
            public void onNext(Message<?> message) {
                send(message);
            }

            @Override
            public void onError(Throwable failure) {
                alive.set(false);
                LOG.errorf(failure, "The outgoing MQTT channel %s failed", channel);
            }

            /** The channel is done (CellHub stops): the session closes once what is in flight is settled. */
            @Override
            public void onComplete() {
                alive.set(false);
                completed = true;
                stopWhenSettled();
            }
        };
    }

    /**
     * Publishes at once; the message's slot in the window is given back (one more is requested)
     * when it is settled: written (QoS 0), acknowledged by the broker (QoS 1/2), or failed.
     */
    private void send(Message<?> message) {
        Optional<SendingMqttMessageMetadata> metadata = message.getMetadata(SendingMqttMessageMetadata.class);
        String topic = metadata.map(SendingMqttMessageMetadata::getTopic).orElse(defaultTopic);
        MqttQoS qos = metadata.map(SendingMqttMessageMetadata::getQosLevel).orElse(defaultQos);
        boolean retain = metadata.map(SendingMqttMessageMetadata::isRetain).orElse(defaultRetain);
        inFlight.incrementAndGet();
        Settlement settlement = failure -> {
            inFlight.decrementAndGet();
            (failure == null ? message.ack() : message.nack(failure)).whenComplete((ok, ignored) -> subscription.request(1));
            if (completed) {
                stopWhenSettled();
            }
        };
        session.publish(topic, payload(message.getPayload()), qos, false, retain).onComplete(written -> {
            if (written.failed()) {
                settlement.settle(written.cause());
            } else if (qos == MqttQoS.AT_MOST_ONCE) {
                settlement.settle(null);
            } else {
                await(written.result(), settlement);
            }
        });
    }

    private void stopWhenSettled() {
        if (inFlight.get() == 0 && stopped.compareAndSet(false, true)) {
            shared.stop();
        }
    }

    /** What happens to a message once it is settled: {@code failure} is null when it went through. */
    @FunctionalInterface
    private interface Settlement {
        void settle(Throwable failure);
    }

    private void await(int packetId, Settlement settlement) {
        Object early = awaitingAck.putIfAbsent(packetId, settlement);
        if (early == ACKNOWLEDGED_EARLY) {
            awaitingAck.remove(packetId);
            settlement.settle(null);
        }
    }

    private void acknowledged(int packetId) {
        Object waiting = awaitingAck.putIfAbsent(packetId, ACKNOWLEDGED_EARLY);
        if (waiting != null) {
            awaitingAck.remove(packetId);
            ((Settlement) waiting).settle(null);
        }
    }

    private void failAwaiting(int packetId, String why) {
        Object waiting = awaitingAck.remove(packetId);
        if (waiting instanceof Settlement settlement) {
            settlement.settle(new IllegalStateException("Message " + packetId + " on " + channel + " not acknowledged: " + why));
        }
    }

    /** The connection is gone: messages the broker had not acknowledged are nacked. */
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

    @Override
    public void reportStarted(HealthReportBuilder builder) {
        builder.add(channel, started.get());
    }

    @Override
    public void reportReady(HealthReportBuilder builder) {
        builder.add(channel, session.isConnected());
    }

    @Override
    public void reportAlive(HealthReportBuilder builder) {
        builder.add(channel, alive.get());
    }
}
