package io.cellhub.channel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import com.hivemq.client.mqtt.exceptions.ConnectionClosedException;
import com.hivemq.client.mqtt.exceptions.MqttDecodeException;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;

/**
 * One of CellHub's own connections to the broker (the HiveMQ MQTT client), speaking MQTT 5 when the
 * broker does and 3.1.1 when it does not ({@code cellhub.mqtt.protocol}). It reconnects by itself every
 * {@code cellhub.mqtt.reconnect-interval}, subscribes again after every reconnect (under MQTT 3.1.1 only
 * after one that found no session on the broker: see {@link #subscribe}), and hands every message it
 * receives to one receiver, which acknowledges it.
 * <p>
 * With {@code auto}, a connection tries MQTT 5; when the broker refuses that version (CONNACK 0x84, an
 * MQTT 3.1.1 CONNACK it cannot read, or the connection closed during CONNECT) it goes on with 3.1.1 for
 * good. A broker that cannot be reached at all is retried with MQTT 5.
 */
public final class BrokerConnection implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BrokerConnection.class);

    /**
     * How the connection presents itself. {@code persistentSession}: the broker keeps the session and
     * what arrives for it while CellHub is away, for {@code sessionExpiry} under MQTT 5 (MQTT 3.1.1 has no
     * expiry). {@code receiveMaximum}: unacknowledged QoS 1/2 messages the broker may send at once
     * (MQTT 5; 0 for the broker's choice). {@code reportOutages}: log a warning when the broker cannot
     * be reached (off for short-lived connections whose user reports failures itself).
     */
    public record Options(String clientId, boolean persistentSession, Duration sessionExpiry, int receiveMaximum,
            Optional<OutboundPublish> will, boolean reportOutages) {

        /** A connection whose session ends with it, without a will. */
        public static Options clean(String clientId) {
            return new Options(clientId, false, Duration.ZERO, 0, Optional.empty(), true);
        }

        /** The same, without warnings when the broker cannot be reached. */
        public Options quiet() {
            return new Options(clientId, persistentSession, sessionExpiry, receiveMaximum, will, false);
        }
    }

    /**
     * A subscription. Under MQTT 5, {@code retainAsPublished} keeps the RETAIN flag publishers set on
     * live messages, and {@code retainedOnSubscribe} false asks the broker not to send the retained
     * messages when the subscription is made; MQTT 3.1.1 has neither.
     */
    public record Subscription(String filter, int qos, boolean retainAsPublished, boolean retainedOnSubscribe) {

        public static Subscription plain(String filter, int qos) {
            return new Subscription(filter, qos, false, true);
        }
    }

    /**
     * The connection is up: its MQTT version (5 or 4 for 3.1.1), whether the broker kept its session,
     * and when the broker has acknowledged the subscriptions made again ({@code subscribed}; completed at
     * once on a session kept under MQTT 3.1.1, which is not subscribed again).
     */
    public record Connected(int protocolVersion, boolean sessionPresent, CompletableFuture<Void> subscribed) {
    }

    /** What happens to the connection. Called on the client's network thread. */
    public interface StateListener {

        void connected(Connected connected);

        void disconnected(Throwable cause);
    }

    private final MqttSettings settings;
    private final Options options;
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final List<StateListener> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> firstConnection = new CompletableFuture<>();
    private volatile Consumer<ReceivedPublish> receiver = ReceivedPublish::acknowledge;
    private volatile BrokerLink link;
    private volatile boolean connected;
    private volatile boolean closed;
    private volatile boolean warnedUnreachable;
    private volatile boolean reading = true;

    public BrokerConnection(MqttSettings settings, Options options) {
        this.settings = settings;
        this.options = options;
    }

    /** Where every received message goes; set it before {@link #start()}. Called on the client's network thread. */
    public void onMessage(Consumer<ReceivedPublish> receiver) {
        this.receiver = receiver;
    }

    public void onStateChange(StateListener listener) {
        listeners.add(listener);
    }

    /** Connects, and keeps reconnecting until closed; completes at the first connection. */
    public synchronized CompletableFuture<Void> start() {
        if (link == null) {
            link = newLink(settings.protocol() == MqttProtocol.MQTT_3_1_1 ? 4 : 5);
            link.connect();
        }
        return firstConnection;
    }

    /**
     * Subscribes now if connected, and again after every reconnect. Under MQTT 5 that includes a reconnect
     * to a kept session, so that a session takes the subscriptions configured now (a new filter, another
     * QoS) at the next start; Retain Handling keeps the broker from sending the retained messages again
     * for a subscription the session had. A subscription the session has and the connection no longer
     * makes stays (CellHub does not know a kept session's older subscriptions); it ends with the session.
     * Under MQTT 3.1.1, where every SUBSCRIBE brings the retained messages again, a kept session keeps
     * the subscriptions it began with.
     */
    public CompletableFuture<Void> subscribe(Subscription subscription) {
        subscriptions.add(subscription);
        BrokerLink current = link;
        return connected && current != null ? current.subscribe(subscription, false) : CompletableFuture.completedFuture(null);
    }

    /**
     * Publishes; completes when the broker has the message: at QoS 0 once written, at QoS 1/2 with its
     * PUBACK/PUBCOMP. Fails at once when not connected.
     */
    public CompletableFuture<Void> publish(OutboundPublish message) {
        BrokerLink current = link;
        if (current == null || !connected) {
            return CompletableFuture.failedFuture(new IllegalStateException("not connected to the MQTT broker at " + address()));
        }
        return current.publish(message);
    }

    /**
     * Stops ({@code false}) or restarts reading from the broker; a stop holds across reconnects until
     * reading is restarted. Messages already read are still delivered. Callable from any thread.
     */
    public void setReading(boolean read) {
        reading = read;
        BrokerLink current = link;
        if (current != null && connected) {
            current.setReading(read);
        }
    }

    public boolean isConnected() {
        return connected;
    }

    /** 5, 4 (MQTT 3.1.1), or 0 before the first connection. */
    public int protocolVersion() {
        BrokerLink current = link;
        return current == null || !firstConnection.isDone() ? 0 : current.version();
    }

    public String clientId() {
        return options.clientId();
    }

    public String address() {
        return address(settings);
    }

    /** {@code mqtt://host:port}, or {@code mqtts://} with TLS: the broker CellHub's clients connect to. */
    public static String address(MqttSettings settings) {
        return (settings.ssl().enabled() ? "mqtts://" : "mqtt://") + settings.host() + ":" + settings.port();
    }

    /** Disconnects gracefully (a persistent session stays on the broker) and stops reconnecting. */
    public CompletableFuture<Void> disconnect() {
        closed = true;
        BrokerLink current = link;
        if (current == null) {
            return CompletableFuture.completedFuture(null);
        }
        return current.disconnect().exceptionally(e -> null);
    }

    @Override
    public void close() {
        disconnect().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }

    private BrokerLink newLink(int version) {
        BrokerLink.Events events = new BrokerLink.Events() {
            @Override
            public void connected(BrokerLink from, boolean sessionPresent) {
                onConnected(from, sessionPresent);
            }

            @Override
            public void disconnected(BrokerLink from, MqttClientDisconnectedContext context) {
                onDisconnected(from, context);
            }

            @Override
            public void received(ReceivedPublish message) {
                receiver.accept(message);
            }
        };
        return version == 5 ? new Mqtt5Link(settings, options, events) : new Mqtt3Link(settings, options, events);
    }

    private void onConnected(BrokerLink from, boolean sessionPresent) {
        connected = true;
        if (warnedUnreachable) {
            LOG.infof("MQTT client %s connected to %s again (MQTT %s, session %s)", options.clientId(), address(),
                    versionName(from.version()), sessionPresent ? "kept" : "new");
            warnedUnreachable = false;
        } else {
            LOG.debugf("MQTT client %s connected to %s (MQTT %s, session %s)", options.clientId(), address(),
                    versionName(from.version()), sessionPresent ? "kept" : "new");
        }
        List<CompletableFuture<Void>> subscribing = new ArrayList<>();
        if (!sessionPresent || from.version() == 5) {
            for (Subscription subscription : subscriptions) {
                subscribing.add(from.subscribe(subscription, sessionPresent).exceptionally(e -> {
                    LOG.errorf("MQTT client %s could not subscribe to %s: %s", options.clientId(), subscription.filter(),
                            e.getMessage());
                    return null;
                }));
            }
        }
        if (!reading) {
            from.setReading(false);
        }
        listeners.forEach(listener -> listener.connected(new Connected(from.version(), sessionPresent,
                CompletableFuture.allOf(subscribing.toArray(CompletableFuture[]::new)))));
        firstConnection.complete(null);
    }

    private void onDisconnected(BrokerLink from, MqttClientDisconnectedContext context) {
        boolean wasConnected = connected;
        connected = false;
        Throwable cause = context.getCause();
        if (closed || from != link) {
            context.getReconnector().reconnect(false);
            return;
        }
        if (wasConnected) {
            listeners.forEach(listener -> listener.disconnected(cause));
        }
        if (!wasConnected && from.version() == 5 && settings.protocol() == MqttProtocol.AUTO && refusesMqtt5(cause)) {
            context.getReconnector().reconnect(false);
            LOG.infof("The MQTT broker at %s does not take MQTT 5 (%s); client %s speaks MQTT 3.1.1 with it", address(),
                    cause.getMessage(), options.clientId());
            BrokerLink fallback = newLink(4);
            link = fallback;
            fallback.connect();
            return;
        }
        if (!warnedUnreachable && options.reportOutages()) {
            warnedUnreachable = true;
            LOG.warnf("MQTT client %s %s %s (%s); trying again every %d ms", options.clientId(),
                    wasConnected ? "lost its connection to" : "cannot connect to", address(), describe(cause),
                    settings.reconnectInterval().toMillis());
        }
        context.getReconnector().reconnect(true).resubscribeIfSessionExpired(false).republishIfSessionExpired(false)
                .delay(settings.reconnectInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether a failed MQTT 5 CONNECT says that the broker does not take MQTT 5. */
    static boolean refusesMqtt5(Throwable cause) {
        if (cause instanceof Mqtt5ConnAckException connAck) {
            return connAck.getMqttMessage().getReasonCode() == Mqtt5ConnAckReasonCode.UNSUPPORTED_PROTOCOL_VERSION;
        }
        return cause instanceof MqttDecodeException || cause instanceof ConnectionClosedException;
    }

    private static String describe(Throwable cause) {
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    static String versionName(int version) {
        return version == 5 ? "5" : "3.1.1";
    }
}
