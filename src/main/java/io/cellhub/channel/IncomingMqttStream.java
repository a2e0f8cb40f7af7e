package io.cellhub.channel;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
 * thread, with no hop to another thread or context. The connection starts with the subscriber's first
 * request, so what a kept session delivers at once finds demand.
 * <p>
 * A QoS 0 message that arrives while the subscriber has no demand is dropped and counted (at-most-once
 * delivery), never a reason to fail the stream; logged as a warning unless the subscriber has cancelled
 * (CellHub stopping). A QoS 1/2 message waits for demand instead: the HiveMQ
 * client sends acknowledgements in the order the messages arrived, so one left unacknowledged would
 * hold back the PUBACK of every later message on the connection until it reconnects. The broker sends
 * no more unacknowledged QoS 1/2 messages than the connection's Receive Maximum, which bounds what
 * waits. CellHub's ingest requests without bound.
 */
final class IncomingMqttStream implements Flow.Publisher<Message<byte[]>>, ChannelHealth {

    private static final Logger LOG = Logger.getLogger(IncomingMqttStream.class);

    private final String channel;
    private final BrokerConnection connection;
    private final List<BrokerConnection.Subscription> subscriptions;
    private final AtomicReference<Flow.Subscriber<? super Message<byte[]>>> subscriber = new AtomicReference<>();
    private final AtomicLong demand = new AtomicLong();
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    /** Messages for the subscriber, in order; filled on the network thread, drained by whoever holds {@link #draining}. */
    private final Queue<ReceivedPublish> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger draining = new AtomicInteger();
    private final AtomicBoolean started = new AtomicBoolean();
    private final RateLimitedWarning droppedWithoutDemand = new RateLimitedWarning(LOG, Duration.ofSeconds(10));
    private final Consumer<ChannelConnected> connections;
    private final AtomicBoolean connectedBefore = new AtomicBoolean();
    private volatile boolean cancelled;

    IncomingMqttStream(String channel, BrokerConnection connection, List<BrokerConnection.Subscription> subscriptions,
            Consumer<ChannelConnected> connections) {
        this.channel = channel;
        this.connection = connection;
        this.subscriptions = List.copyOf(subscriptions);
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
                if (started.compareAndSet(false, true)) {
                    connection.start();
                }
                drain();
            }

            @Override
            public void cancel() {
                cancelled = true;
                demand.set(0);
                connection.disconnect();
            }
        });
        connection.onMessage(this::deliver);
        subscriptions.forEach(connection::subscribe);
        connection.onStateChange(new BrokerConnection.StateListener() {
            @Override
            public void connected(BrokerConnection.Connected connected) {
                subscribed.set(true);
                boolean first = connectedBefore.compareAndSet(false, true);
                LOG.infof("Channel %s connected to %s with MQTT %s as %s; %s", channel, connection.address(),
                        BrokerConnection.versionName(connected.protocolVersion()), connection.clientId(),
                        subscribing(connected));
                connections.accept(new ChannelConnected(channel, connected.protocolVersion(), connected.sessionPresent(),
                        subscriptions.get(0).retainAsPublished(), first));
            }

            @Override
            public void disconnected(Throwable cause) {
            }
        });
    }

    /** What the connection did about its subscriptions, for the log (see {@link BrokerConnection#subscribe}). */
    private String subscribing(BrokerConnection.Connected connected) {
        String now = "subscribed to " + filters() + " at QoS " + subscriptions.get(0).qos();
        if (!connected.sessionPresent()) {
            return now;
        }
        if (connected.protocolVersion() == 5) {
            return "the broker kept its session; " + now + " again (a filter the session had and this list has not stays "
                    + "on the session until it ends)";
        }
        return "the broker kept its session and, under MQTT 3.1.1, the subscriptions made when it began (a session begun now "
                + "subscribes to " + filters() + ")";
    }

    private String filters() {
        return String.join(",", subscriptions.stream().map(BrokerConnection.Subscription::filter).toList());
    }

    /** On the connection's network thread. */
    private void deliver(ReceivedPublish message) {
        if (message.qos() == 0 && demand.get() <= 0) {
            dropped.incrementAndGet();
            if (cancelled) {
                // CellHub is stopping: the consumer is gone, and a QoS 0 message in flight then is not a fault
                LOG.debugf("Channel %s dropped a QoS 0 message on %s that arrived after it was cancelled", channel,
                        message.topic());
                return;
            }
            droppedWithoutDemand.occurred(count -> String.format("Channel %s dropped %d QoS 0 message(s) that arrived "
                    + "while its consumer had no demand (the latest on %s)", channel, count, message.topic()));
            return;
        }
        waiting.add(message);
        drain();
    }

    /**
     * Hands waiting messages to the subscriber while it has demand. One thread at a time (the network
     * thread, or a thread that requested more), so the subscriber's {@code onNext} calls never overlap.
     */
    private void drain() {
        if (draining.getAndIncrement() != 0) {
            return;
        }
        Flow.Subscriber<? super Message<byte[]>> consumer = subscriber.get();
        int missed = 1;
        do {
            while (demand.get() > 0) {
                ReceivedPublish next = waiting.poll();
                if (next == null) {
                    break;
                }
                if (demand.get() != Long.MAX_VALUE) {
                    demand.decrementAndGet();
                }
                consumer.onNext(new ReceivedMqttMessage(next));
            }
            missed = draining.addAndGet(-missed);
        } while (missed != 0);
    }

    /** QoS 1/2 messages waiting for the subscriber's demand. */
    int waiting() {
        return waiting.size();
    }

    /** QoS 0 messages dropped because they arrived without demand. */
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

    /** The stream never fails: a QoS 0 message it cannot deliver is dropped, not an error. */
    @Override
    public void reportAlive(HealthReportBuilder builder) {
        builder.add(channel, true);
    }
}
