package io.cellhub.channel;

import java.time.Duration;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.cellhub.topic.RateLimitedWarning;
import io.smallrye.reactive.messaging.health.HealthReport.HealthReportBuilder;

/**
 * One incoming channel of {@link CellHubMqttConnector}: its {@link BrokerConnection} subscribes the
 * channel's filter, and each message reaches the channel's one subscriber on the connection's network
 * thread, with no hop to another thread or context. A message that arrives while the subscriber has
 * no demand is dropped and counted, never buffered without limit and never a reason to fail the
 * stream: at QoS 0 that is at-most-once delivery, and a QoS 1/2 message stays unacknowledged, so the
 * broker sends it again with the session. CellHub's ingest requests without bound.
 */
final class IncomingMqttStream implements Flow.Publisher<Message<byte[]>>, ChannelHealth {

    private static final Logger LOG = Logger.getLogger(IncomingMqttStream.class);

    private final String channel;
    private final BrokerConnection connection;
    private final BrokerConnection.Subscription subscription;
    private final AtomicReference<Flow.Subscriber<? super Message<byte[]>>> subscriber = new AtomicReference<>();
    private final AtomicLong demand = new AtomicLong();
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private final RateLimitedWarning droppedWithoutDemand = new RateLimitedWarning(LOG, Duration.ofSeconds(10));
    private final Consumer<ChannelConnected> connections;
    private final AtomicBoolean connectedBefore = new AtomicBoolean();

    IncomingMqttStream(String channel, BrokerConnection connection, BrokerConnection.Subscription subscription,
            Consumer<ChannelConnected> connections) {
        this.channel = channel;
        this.connection = connection;
        this.subscription = subscription;
        this.connections = connections;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Message<byte[]>> consumer) {
        if (!subscriber.compareAndSet(null, consumer)) {
            consumer.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });
            consumer.onError(new IllegalStateException("The incoming MQTT channel " + channel + " takes one subscriber"));
            return;
        }
        consumer.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                if (n <= 0) {
                    consumer.onError(new IllegalArgumentException("Reactive Streams rule 3.9: request " + n));
                    return;
                }
                demand.accumulateAndGet(n, (current, more) -> current + more < 0 ? Long.MAX_VALUE : current + more);
            }

            @Override
            public void cancel() {
                demand.set(0);
                connection.disconnect();
            }
        });
        connection.onMessage(this::deliver);
        connection.subscribe(subscription);
        connection.onStateChange(new BrokerConnection.StateListener() {
            @Override
            public void connected(BrokerConnection.Connected connected) {
                subscribed.set(true);
                boolean first = connectedBefore.compareAndSet(false, true);
                LOG.infof("Channel %s connected to %s with MQTT %s as %s; %s", channel, connection.address(),
                        BrokerConnection.versionName(connected.protocolVersion()), connection.clientId(),
                        connected.sessionPresent() ? "the broker kept its session and subscription to " + subscription.filter()
                                : "subscribed to " + subscription.filter() + " at QoS " + subscription.qos());
                connections.accept(new ChannelConnected(channel, connected.protocolVersion(), connected.sessionPresent(),
                        subscription.retainAsPublished(), first));
            }

            @Override
            public void disconnected(Throwable cause) {
            }
        });
        connection.start();
    }

    private void deliver(ReceivedPublish message) {
        Flow.Subscriber<? super Message<byte[]>> consumer = subscriber.get();
        long wanted = demand.get();
        if (consumer == null || wanted <= 0) {
            dropped.incrementAndGet();
            droppedWithoutDemand.occurred(count -> String.format("Channel %s dropped %d message(s) that arrived while its "
                    + "consumer had no demand (the latest on %s)%s", channel, count, message.topic(),
                    message.qos() == 0 ? "" : "; unacknowledged, the broker sends them again with the session"));
            return;
        }
        if (wanted != Long.MAX_VALUE) {
            demand.decrementAndGet();
        }
        consumer.onNext(new ReceivedMqttMessage(message));
    }

    /** Messages dropped because they arrived without demand. */
    long dropped() {
        return dropped.get();
    }

    @Override
    public void reportStarted(HealthReportBuilder builder) {
        builder.add(channel, subscribed.get());
    }

    @Override
    public void reportReady(HealthReportBuilder builder) {
        builder.add(channel, connection.isConnected());
    }

    /** The stream never fails: a message it cannot deliver is dropped, not an error. */
    @Override
    public void reportAlive(HealthReportBuilder builder) {
        builder.add(channel, true);
    }
}
