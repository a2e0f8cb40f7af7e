package io.cellhub.broker;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.apache.activemq.artemis.core.protocol.mqtt.MQTTInterceptor;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerConnectionPlugin;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;

import io.cellhub.topic.DeviceActivity;
import io.cellhub.topic.DeviceActivity.Kind;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;

/**
 * Reports what every client of the embedded broker does: connects (once the broker accepted them),
 * subscribes, unsubscribes, publishes and disconnects, gracefully or not. It sees incoming packets
 * and the broker's CONNACKs as an Artemis MQTT interceptor, and the end of each connection as a
 * broker connection plugin.
 * <p>
 * A client that reconnects with the same id while its old connection is still open (a device
 * after a network fault) takes the session over; the old connection closing afterwards is not
 * reported as the device going offline.
 */
final class DeviceActivityReporter implements MQTTInterceptor, ActiveMQServerConnectionPlugin {

    /** MQTT 5's Session Expiry Interval property. */
    private static final int SESSION_EXPIRY_INTERVAL = 0x11;

    private final Consumer<DeviceActivity> activity;
    /** Connection id → whether its CONNECT asked for a session that ends with the connection. */
    private final Map<Object, Boolean> connecting = new ConcurrentHashMap<>();
    /** Client id → the id of the connection the client is on now. */
    private final Map<String, Object> current = new ConcurrentHashMap<>();

    DeviceActivityReporter(Consumer<DeviceActivity> activity) {
        this.activity = activity;
    }

    /** Incoming packets and the broker's CONNACKs: both directions pass here. */
    @Override
    public boolean intercept(MqttMessage packet, RemotingConnection connection) {
        switch (packet.fixedHeader().messageType()) {
            case CONNECT -> connecting.put(connection.getID(), endsWithConnection((MqttConnectMessage) packet));
            case CONNACK -> accepted((MqttConnAckMessage) packet, connection);
            case SUBSCRIBE -> {
                for (MqttTopicSubscription subscription : ((MqttSubscribeMessage) packet).payload().topicSubscriptions()) {
                    report(new DeviceActivity(connection.getClientID(), Kind.SUBSCRIBED, Instant.now(), null,
                            subscription.topicName(), subscription.qualityOfService().value()));
                }
            }
            case UNSUBSCRIBE -> {
                for (String filter : ((MqttUnsubscribeMessage) packet).payload().topics()) {
                    report(new DeviceActivity(connection.getClientID(), Kind.UNSUBSCRIBED, Instant.now(), null, filter, null));
                }
            }
            case PUBLISH -> report(DeviceActivity.of(connection.getClientID(), Kind.PUBLISHED));
            default -> {
            }
        }
        return true;
    }

    private void accepted(MqttConnAckMessage connack, RemotingConnection connection) {
        Boolean clean = connecting.remove(connection.getID());
        MqttConnectReturnCode code = connack.variableHeader().connectReturnCode();
        if (clean != null && code == MqttConnectReturnCode.CONNECTION_ACCEPTED && connection.getClientID() != null) {
            current.put(connection.getClientID(), connection.getID());
            report(new DeviceActivity(connection.getClientID(), Kind.CONNECTED, Instant.now(), clean, null, null));
        }
    }

    @Override
    public void afterDestroyConnection(RemotingConnection connection) {
        connecting.remove(connection.getID());
        String clientId = connection.getClientID();
        if (clientId != null && current.remove(clientId, connection.getID())) {
            report(DeviceActivity.of(clientId, Kind.DISCONNECTED));
        }
    }

    /**
     * The broker stopped by itself (a critical IO error): it does not end its connections one by one
     * then, so every client still on it is reported gone here, once.
     */
    void brokerStopped() {
        connecting.clear();
        for (String clientId : current.keySet()) {
            if (current.remove(clientId) != null) {
                report(DeviceActivity.of(clientId, Kind.DISCONNECTED));
            }
        }
    }

    private void report(DeviceActivity event) {
        if (event.device() != null) {
            activity.accept(event);
        }
    }

    /**
     * Whether the session ends with the connection: MQTT 3.1/3.1.1's clean session, or MQTT 5 without
     * a Session Expiry Interval (or with 0).
     */
    private static boolean endsWithConnection(MqttConnectMessage connect) {
        if (connect.variableHeader().version() < 5) {
            return connect.variableHeader().isCleanSession();
        }
        MqttProperties.MqttProperty<?> expiry = connect.variableHeader().properties().getProperty(SESSION_EXPIRY_INTERVAL);
        return expiry == null || Integer.valueOf(0).equals(expiry.value());
    }
}
