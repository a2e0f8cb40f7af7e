package io.cellhub.channel;

import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.cellhub.topic.MessageProperties;
import io.smallrye.reactive.messaging.health.HealthReport.HealthReportBuilder;

/**
 * One outgoing channel of {@link CellHubMqttConnector}. It keeps up to {@code window} messages in
 * flight on its {@link BrokerConnection}, sends them in the order they arrive, and acknowledges a
 * QoS 1/2 message once the broker has (PUBACK/PUBCOMP), a QoS 0 message once written. A message the
 * broker had not acknowledged when the connection closed, or one sent while it is closed, is nacked.
 * <p>
 * A message says where it goes with an {@link OutboundPublish} metadata (its payload is the message's);
 * without one it goes to the channel's {@code topic} at its {@code qos}.
 */
final class PipelinedMqttSink implements ChannelHealth {

    static final int DEFAULT_WINDOW = 1000;

    private static final Logger LOG = Logger.getLogger(PipelinedMqttSink.class);

    private final String channel;
    private final String defaultTopic;
    private final int defaultQos;
    private final boolean defaultRetain;
    private final BrokerConnection connection;
    private final int window;
    private volatile Flow.Subscription subscription;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean alive = new AtomicBoolean();
    private final AtomicBoolean windowOpen = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile boolean completed;

    PipelinedMqttSink(String channel, BrokerConnection connection, String defaultTopic, int defaultQos, boolean defaultRetain,
            int window) {
        if (window < 1) {
            throw new IllegalArgumentException("mp.messaging.outgoing." + channel + ".pipeline-window must be 1 or more, is "
                    + window);
        }
        this.channel = channel;
        this.connection = connection;
        this.defaultTopic = defaultTopic;
        this.defaultQos = defaultQos;
        this.defaultRetain = defaultRetain;
        this.window = window;
    }

    Flow.Subscriber<Message<?>> subscriber() {
        return new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                PipelinedMqttSink.this.subscription = subscription;
                // The window opens at the first connection: what the processors emit before it waits in
                // the channel instead of failing. Later outages fail messages at once (nack).
                connection.start().whenComplete((ok, failure) -> {
                    started.set(true);
                    alive.set(failure == null);
                    if (failure == null && windowOpen.compareAndSet(false, true)) {
                        LOG.infof("Channel %s connected to %s with MQTT %s as %s", channel, connection.address(),
                                BrokerConnection.versionName(connection.protocolVersion()), connection.clientId());
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

            /** The channel is done (CellHub stops): the connection closes once what is in flight is settled. */
            @Override
            public void onComplete() {
                alive.set(false);
                completed = true;
                stopWhenSettled();
            }
        };
    }

    /**
     * Publishes at once; the message's slot in the window is given back (one more is requested) when
     * it is settled: written (QoS 0), acknowledged by the broker (QoS 1/2), or failed.
     */
    private void send(Message<?> message) {
        inFlight.incrementAndGet();
        connection.publish(outbound(message)).whenComplete((ok, failure) -> {
            inFlight.decrementAndGet();
            (failure == null ? message.ack() : message.nack(failure)).whenComplete((done, ignored) -> subscription.request(1));
            if (completed) {
                stopWhenSettled();
            }
        });
    }

    private OutboundPublish outbound(Message<?> message) {
        byte[] payload = payload(message.getPayload());
        Optional<OutboundPublish> destination = message.getMetadata(OutboundPublish.class);
        return destination.map(d -> d.payload() == payload ? d
                : new OutboundPublish(d.topic(), payload, d.qos(), d.retain(), d.properties()))
                .orElseGet(() -> new OutboundPublish(defaultTopic, payload, defaultQos, defaultRetain, MessageProperties.NONE));
    }

    private void stopWhenSettled() {
        if (inFlight.get() == 0 && stopped.compareAndSet(false, true)) {
            connection.disconnect();
        }
    }

    private static byte[] payload(Object payload) {
        if (payload instanceof byte[] bytes) {
            return bytes;
        }
        return payload == null ? new byte[0] : payload.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void reportStarted(HealthReportBuilder builder) {
        builder.add(channel, started.get());
    }

    @Override
    public void reportReady(HealthReportBuilder builder) {
        builder.add(channel, connection.isConnected());
    }

    @Override
    public void reportAlive(HealthReportBuilder builder) {
        builder.add(channel, alive.get() || !started.get());
    }
}
