package io.cellhub.channel;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.lifecycle.Mqtt3ClientConnectedContext;
import com.hivemq.client.mqtt.mqtt3.message.connect.Mqtt3Connect;
import com.hivemq.client.mqtt.mqtt3.message.connect.Mqtt3ConnectBuilder;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;

import io.cellhub.topic.MessageProperties;

/**
 * A {@link BrokerConnection}'s client when it speaks MQTT 3.1.1. It takes packets of any size: MQTT
 * 3.1.1 cannot tell the broker a limit, and refusing a packet would mean closing the connection, after
 * which the broker sends the same message again, for ever.
 */
final class Mqtt3Link implements BrokerLink {

    private final Mqtt3AsyncClient client;
    private final Mqtt3Connect connect;

    Mqtt3Link(MqttSettings settings, BrokerConnection.Options options, Events events) {
        this.client = ClientTransport.configure(Mqtt3Client.builder(), settings, options.clientId())
                .addConnectedListener(context -> events.connected(this,
                        ((Mqtt3ClientConnectedContext) context).getConnAck().isSessionPresent()))
                .addDisconnectedListener(context -> events.disconnected(this, context))
                .buildAsync();
        this.connect = connectMessage(settings, options);
        PublishFlow.listen(() -> client.toRx().publishes(MqttGlobalPublishFilter.ALL, true), Mqtt3Link::received,
                events::received);
    }

    private static Mqtt3Connect connectMessage(MqttSettings settings, BrokerConnection.Options options) {
        Mqtt3ConnectBuilder connect = Mqtt3Connect.builder()
                .keepAlive((int) settings.keepAlive().toSeconds())
                .cleanSession(!options.persistentSession());
        if (settings.username().isPresent()) {
            connect.simpleAuth().username(settings.username().get())
                    .password(settings.password().orElse("").getBytes(StandardCharsets.UTF_8)).applySimpleAuth();
        }
        options.will().ifPresent(will -> connect.willPublish(Mqtt3Publish.builder().topic(will.topic())
                .payload(will.payload()).qos(MqttQos.fromCode(will.qos())).retain(will.retain()).build()));
        return connect.build();
    }

    static ReceivedPublish received(Mqtt3Publish publish) {
        return new ReceivedPublish(publish.getTopic().toString(), publish.getQos().getCode(), publish.isRetain(), false,
                publish.getPayload().orElse(null), MessageProperties.NONE, publish::acknowledge);
    }

    @Override
    public int version() {
        return 4;
    }

    @Override
    public void connect() {
        // A failed attempt reaches the disconnected listener, which decides about the next one.
        client.connect(connect).exceptionally(failure -> null);
    }

    @Override
    public CompletableFuture<Void> subscribe(BrokerConnection.Subscription subscription, boolean sessionKept) {
        return client.subscribeWith().topicFilter(subscription.filter()).qos(MqttQos.fromCode(subscription.qos()))
                .send().thenApply(subAck -> null);
    }

    @Override
    public CompletableFuture<Void> publish(OutboundPublish message) {
        return client.publishWith().topic(message.topic()).payload(message.payload()).qos(MqttQos.fromCode(message.qos()))
                .retain(message.retain()).send().thenApply(result -> null);
    }

    @Override
    public CompletableFuture<Void> disconnect() {
        return client.disconnect();
    }

    @Override
    public boolean setReading(boolean read) {
        return ClientChannel.setReading(client, read);
    }
}
