package io.cellhub.channel;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.smallrye.reactive.messaging.mqtt.session.MqttClientSession;
import io.smallrye.reactive.messaging.mqtt.session.MqttClientSessionOptions;
import io.smallrye.reactive.messaging.mqtt.session.SessionEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.mqtt.messages.MqttPublishMessage;

/**
 * One MQTT session (connection, reconnects, subscriptions) used by every channel of
 * {@link CellHubMqttConnector} with the same broker and client id. When the ingest and the output
 * channel share it, CellHub reads and writes on one connection and one event loop, as a hand-written
 * processor does. QoS 1/2 messages received are never acknowledged automatically: the channel's
 * consumer sends the PUBACK.
 */
final class SharedSession {

    private final MqttClientSession session;
    private final boolean cleanSession;
    private final List<Consumer<MqttPublishMessage>> receivers = new CopyOnWriteArrayList<>();
    private final List<Consumer<SessionEvent>> stateListeners = new CopyOnWriteArrayList<>();
    private Future<Void> start;

    SharedSession(Vertx vertx, MqttClientSessionOptions options) {
        options.setAutoAck(false);
        this.cleanSession = options.isCleanSession();
        this.session = MqttClientSession.create(vertx, options);
        session.messageHandler(message -> {
            for (Consumer<MqttPublishMessage> receiver : receivers) {
                receiver.accept(message);
            }
        });
        session.sessionStateHandler(event -> stateListeners.forEach(listener -> listener.accept(event)));
    }

    MqttClientSession session() {
        return session;
    }

    boolean cleanSession() {
        return cleanSession;
    }

    void onMessage(Consumer<MqttPublishMessage> receiver) {
        receivers.add(receiver);
    }

    void onStateChange(Consumer<SessionEvent> listener) {
        stateListeners.add(listener);
    }

    synchronized Future<Void> start() {
        if (start == null) {
            start = session.start();
        }
        return start;
    }

    Future<Void> stop() {
        return session.stop();
    }

    boolean isConnected() {
        return session.isConnected();
    }
}
