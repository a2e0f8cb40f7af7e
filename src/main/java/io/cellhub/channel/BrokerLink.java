package io.cellhub.channel;

import java.util.concurrent.CompletableFuture;

import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;

/** One HiveMQ MQTT client of a {@link BrokerConnection}, of one MQTT version. */
interface BrokerLink {

    /** What the client reports to its connection. */
    interface Events {

        void connected(BrokerLink from, boolean sessionPresent);

        /** The connection ended or an attempt failed; the listener decides about reconnecting. */
        void disconnected(BrokerLink from, MqttClientDisconnectedContext context);

        void received(ReceivedPublish message);
    }

    /** 5, or 4 for MQTT 3.1.1. */
    int version();

    /** Starts connecting; the outcome arrives as an event. */
    void connect();

    /**
     * Subscribes. {@code sessionKept}: the broker kept the session, which may have this subscription
     * already (MQTT 5 only: then it sends no retained messages for a subscription the session had).
     */
    CompletableFuture<Void> subscribe(BrokerConnection.Subscription subscription, boolean sessionKept);

    CompletableFuture<Void> publish(OutboundPublish message);

    CompletableFuture<Void> disconnect();

    /**
     * Stops or restarts reading from the socket ({@link ClientChannel}).
     *
     * @return whether it was applied; {@code false} while not connected
     */
    boolean setReading(boolean read);
}
