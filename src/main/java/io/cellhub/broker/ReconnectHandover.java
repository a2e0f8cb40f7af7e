package io.cellhub.broker;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.io.IOCallback;
import org.apache.activemq.artemis.core.postoffice.RoutingStatus;
import org.apache.activemq.artemis.core.protocol.mqtt.MQTTInterceptor;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerConnectionPlugin;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.jboss.logging.Logger;

import io.cellhub.topic.RateLimitedWarning;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttMessage;

/**
 * Holds a client's CONNECT until the broker has handled every PUBLISH of the client's previous
 * connection, when that connection has already sent its DISCONNECT: the messages of a device that
 * publishes, disconnects and connects again at once (the way small devices report) keep their order.
 * <p>
 * Artemis 2.44 handles each connection's packets in order, but each connection on its own, on
 * whichever thread of its pool is free. A device's new CONNECT and PUBLISH can therefore be handled
 * while its old connection's last PUBLISH still waits for a thread, and the old message then reaches
 * subscribers after the new one. With one network thread ({@link ArtemisSettings#acceptorUri}) and
 * without this class, 2,000 QoS 0 messages of 20 devices reconnecting at once all arrived, but one or
 * two devices' out of order in each run
 * ({@code BrokerConformance.devicesThatReconnectAtOnceWithTheirOwnIdLoseNoQos0MessageAndKeepItsOrder}).
 * Waiting for the old connection's session to close was not enough (that test failed in one run of
 * five, and once in the whole suite): a client that closes its socket right after its DISCONNECT makes
 * Artemis end the connection from the network thread while its pool still has the PUBLISH to handle,
 * and handles it afterwards. Counting PUBLISHes: 12 runs of 12 in order. Counting a PUBLISH as handled
 * when routing it returned was not enough under the benchmark's load (100 devices reconnecting at full
 * speed): 10 to 54 of 10,000 averages were missing in {@code ShortLivedDevicesIT}'s rounds, as routing
 * returns before the message is in its queues when the session's storage context has work pending.
 * <p>
 * How, through Artemis's public extension points: as an MQTT interceptor it sees every packet on the
 * network thread before Artemis queues it for its pool, and counts each connection's PUBLISHes; as a
 * broker message plugin it sees each one routed ({@link ActiveMQServerMessagePlugin#afterSend}, or
 * {@link ActiveMQServerMessagePlugin#onSendException}) and counts it handled once the session's storage
 * context has completed what it had then ({@code OperationContext.executeOnCompletion}). A DISCONNECT marks its connection as ending; a
 * CONNECT whose client id has a connection ending waits (on the network thread, at most
 * {@link #LONGEST_WAIT}) until that connection has no PUBLISH left to handle. A takeover
 * of a connection that sent no DISCONNECT (a device whose network failed) is not held: the old
 * connection may never finish. The wait is short (until the pool has handled the old connection's last
 * PUBLISH), but it holds the broker's one network thread, and so the reads of every connection, for
 * that time: in the benchmark's short-lived devices run the broker takes fewer connections per second
 * than without it (docs/PERFORMANCE.md).
 */
final class ReconnectHandover implements MQTTInterceptor, ActiveMQServerMessagePlugin, ActiveMQServerConnectionPlugin {

    /** The longest a CONNECT waits; past it, Artemis takes the session over as it would have. */
    static final Duration LONGEST_WAIT = Duration.ofMillis(500);

    private static final Logger LOG = Logger.getLogger(ReconnectHandover.class);

    /** Connection id → its PUBLISHes read and not yet handled, and whether it sent its DISCONNECT. */
    private final Map<Object, Progress> connections = new ConcurrentHashMap<>();
    /** Client id → its connection that sent a DISCONNECT, until that connection is gone. */
    private final Map<String, Progress> endingClients = new ConcurrentHashMap<>();
    private final RateLimitedWarning slow = new RateLimitedWarning(LOG, Duration.ofMinutes(1));

    /** One connection's PUBLISHes read on the network thread and not yet handled by Artemis's pool. */
    private final class Progress {
        final Object connectionId;
        final AtomicInteger unhandled = new AtomicInteger();
        volatile String endingClient;
        volatile boolean gone;

        Progress(Object connectionId) {
            this.connectionId = connectionId;
        }

        /** Never below 0: Artemis also sends for a session on its own (a will, retained messages). */
        void handled() {
            if (unhandled.updateAndGet(count -> count > 0 ? count - 1 : 0) == 0) {
                settled();
            }
        }

        /** Nothing left to handle: a waiting CONNECT may go on, and a connection that is gone is forgotten. */
        void settled() {
            if (gone) {
                forget(this);
            }
            if (endingClient != null) {
                synchronized (this) {
                    notifyAll();
                }
            }
        }

        /** Whether every PUBLISH was handled within {@code millis}. */
        synchronized boolean awaitHandled(long millis) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            long left;
            while (unhandled.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return unhandled.get() <= 0;
        }
    }

    private void forget(Progress progress) {
        connections.remove(progress.connectionId, progress);
        if (progress.endingClient != null) {
            endingClients.remove(progress.endingClient, progress);
        }
    }

    @Override
    public boolean intercept(MqttMessage packet, RemotingConnection connection) {
        switch (packet.fixedHeader().messageType()) {
            case PUBLISH -> connections.computeIfAbsent(connection.getID(), Progress::new).unhandled.incrementAndGet();
            case DISCONNECT -> ending(connection);
            case CONNECT -> awaitEarlierConnection(((MqttConnectMessage) packet).payload().clientIdentifier());
            default -> {
            }
        }
        return true;
    }

    private void ending(RemotingConnection connection) {
        String clientId = connection.getClientID();
        if (clientId != null && !clientId.isEmpty()) {
            Progress progress = connections.computeIfAbsent(connection.getID(), Progress::new);
            progress.endingClient = clientId;
            endingClients.put(clientId, progress);
        }
    }

    private void awaitEarlierConnection(String clientId) {
        Progress ending = clientId == null ? null : endingClients.get(clientId);
        if (ending == null) {
            return;
        }
        try {
            if (!ending.awaitHandled(LONGEST_WAIT.toMillis())) {
                // once only: a PUBLISH Artemis dropped unhandled must not hold every later CONNECT of the client
                forget(ending);
                slow.occurred(count -> String.format("Embedded MQTT broker: %d reconnect(s) since the last warning found "
                        + "the client's previous connection with messages still unhandled after %d ms, the latest of client "
                        + "'%s'; the new connection went ahead, and the last messages of the previous one may arrive after "
                        + "those of the new one. The broker's threads are behind: the machine is overloaded.", count,
                        LONGEST_WAIT.toMillis(), clientId));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Routing a message returns before it is in its subscribers' queues when the session's storage context
     * has work pending (its QoS 1 journal writes, or other storage work of the session): the queues get it
     * once that completes ({@link PacketOrder} keeps those completions in the session's context). So the
     * message counts as handled once that context has completed what it had, after it.
     */
    @Override
    public void afterSend(ServerSession session, Transaction tx, Message message, boolean direct, boolean noAutoCreateQueue,
            RoutingStatus result) {
        Progress progress = progressOf(session);
        if (progress != null) {
            session.getSessionContext().executeOnCompletion(new IOCallback() {
                @Override
                public void done() {
                    progress.handled();
                }

                @Override
                public void onError(int errorCode, String errorMessage) {
                    progress.handled();
                }
            });
        }
    }

    @Override
    public void onSendException(ServerSession session, Transaction tx, Message message, boolean direct,
            boolean noAutoCreateQueue, Exception e) {
        handled(session);
    }

    private void handled(ServerSession session) {
        Progress progress = progressOf(session);
        if (progress != null) {
            progress.handled();
        }
    }

    private Progress progressOf(ServerSession session) {
        RemotingConnection connection = session.getRemotingConnection();
        return connection == null ? null : connections.get(connection.getID());
    }

    /**
     * The connection is gone, but Artemis's pool may still have its last PUBLISH to handle (a client that
     * closes its socket right after its DISCONNECT): a waiting CONNECT goes on once that is handled.
     */
    @Override
    public void afterDestroyConnection(RemotingConnection connection) {
        Progress progress = connections.get(connection.getID());
        if (progress != null) {
            progress.gone = true;
            if (progress.endingClient == null) {
                forget(progress); // no DISCONNECT, so no CONNECT waits for it
            } else if (progress.unhandled.get() == 0) {
                progress.settled();
            }
        }
    }
}
