package io.cellhub.broker;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.activemq.artemis.core.protocol.mqtt.MQTTInterceptor;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerConnectionPlugin;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerSessionPlugin;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.jboss.logging.Logger;

import io.cellhub.topic.RateLimitedWarning;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttMessage;

/**
 * Holds a client's CONNECT until the broker has finished the client's previous connection, when that
 * connection has already sent its DISCONNECT: the messages of a device that publishes, disconnects and
 * connects again at once (the way small devices report) keep their order.
 * <p>
 * Artemis 2.44 handles each connection's packets in order, but each connection on its own, on
 * whichever thread of its pool is free. A device's new CONNECT can therefore be handled while its old
 * connection's last PUBLISH and DISCONNECT still wait for a thread: the broker takes the session over
 * from the old connection (MQTT's rule for a client id already connected) and then handles what that
 * connection still had, after the new connection's messages. With one network thread
 * ({@link ArtemisSettings#acceptorUri}) and without this class, 2,000 QoS 0 messages of 20 devices
 * reconnecting at once all arrived, but one or two devices' out of order in each run
 * ({@code BrokerConformance.devicesThatReconnectAtOnceWithTheirOwnIdLoseNoQos0MessageAndKeepItsOrder});
 * with both, in order in every run.
 * <p>
 * How, through Artemis's public extension points: as an MQTT interceptor it sees every packet on the
 * network thread before Artemis queues it for its pool. A DISCONNECT marks its connection as ending; a
 * CONNECT whose client id has a connection ending waits (on the network thread, at most
 * {@link #LONGEST_WAIT}) until that connection's session is closed, which Artemis does right after the
 * connection's earlier packets ({@link ActiveMQServerSessionPlugin#afterCloseSession}). A takeover of a
 * connection that sent no DISCONNECT (a device whose network failed) is not held: the old connection may
 * never finish. The wait is short (until the pool has handled the old connection's last packets), but
 * it holds the broker's one network thread, and so the reads of every connection, for that time: in the
 * benchmark's short-lived devices run the broker takes fewer connections per second than without it
 * (docs/PERFORMANCE.md).
 */
final class ReconnectHandover implements MQTTInterceptor, ActiveMQServerSessionPlugin, ActiveMQServerConnectionPlugin {

    /** The longest a CONNECT waits; past it, Artemis takes the session over as it would have. */
    static final Duration LONGEST_WAIT = Duration.ofMillis(500);

    private static final Logger LOG = Logger.getLogger(ReconnectHandover.class);

    /** Connection id → the end of that connection, once it sent its DISCONNECT. */
    private final Map<Object, Ending> endingConnections = new ConcurrentHashMap<>();
    /** Client id → the end of its connection that sent a DISCONNECT. */
    private final Map<String, Ending> endingClients = new ConcurrentHashMap<>();
    private final RateLimitedWarning slow = new RateLimitedWarning(LOG, Duration.ofMinutes(1));

    private record Ending(String clientId, CountDownLatch done) {
    }

    @Override
    public boolean intercept(MqttMessage packet, RemotingConnection connection) {
        switch (packet.fixedHeader().messageType()) {
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
            Ending ending = new Ending(clientId, new CountDownLatch(1));
            endingConnections.put(connection.getID(), ending);
            endingClients.put(clientId, ending);
        }
    }

    private void awaitEarlierConnection(String clientId) {
        Ending ending = clientId == null ? null : endingClients.get(clientId);
        if (ending == null) {
            return;
        }
        try {
            if (!ending.done().await(LONGEST_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                // once only: a connection whose end this class never saw must not hold every later CONNECT
                endingClients.remove(clientId, ending);
                slow.occurred(count -> String.format("Embedded MQTT broker: %d reconnect(s) since the last warning found "
                        + "the client's previous connection still ending after %d ms, the latest of client '%s'; the new "
                        + "connection took the session over, and the last messages of the previous one may arrive after those "
                        + "of the new one. The broker's threads are behind: the machine is overloaded.", count, LONGEST_WAIT.toMillis(), clientId));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void afterCloseSession(ServerSession session, boolean failed) {
        finished(session.getRemotingConnection());
    }

    /** A connection that ended before it had a session (or whose session close was not seen). */
    @Override
    public void afterDestroyConnection(RemotingConnection connection) {
        finished(connection);
    }

    private void finished(RemotingConnection connection) {
        if (connection == null) {
            return;
        }
        Ending ending = endingConnections.remove(connection.getID());
        if (ending != null) {
            endingClients.remove(ending.clientId(), ending);
            ending.done().countDown();
        }
    }
}
