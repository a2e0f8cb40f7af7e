package io.cellhub.channel;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperty;
import com.hivemq.client.mqtt.mqtt5.lifecycle.Mqtt5ClientConnectedContext;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5ConnectBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5WillPublish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;

import io.cellhub.topic.MessageProperties;

/** A {@link BrokerConnection}'s client when it speaks MQTT 5. */
final class Mqtt5Link implements BrokerLink {

    private final Mqtt5AsyncClient client;
    private final Mqtt5Connect connect;

    Mqtt5Link(MqttSettings settings, BrokerConnection.Options options, Events events) {
        this.client = ClientTransport.configure(Mqtt5Client.builder(), settings, options.clientId())
                .addConnectedListener(context -> events.connected(this,
                        ((Mqtt5ClientConnectedContext) context).getConnAck().isSessionPresent()))
                .addDisconnectedListener(context -> events.disconnected(this, context))
                .buildAsync();
        this.connect = connectMessage(settings, options);
        PublishFlow.listen(() -> client.toRx().publishes(MqttGlobalPublishFilter.ALL, true), Mqtt5Link::received,
                events::received);
    }

    private static Mqtt5Connect connectMessage(MqttSettings settings, BrokerConnection.Options options) {
        Mqtt5ConnectBuilder connect = Mqtt5Connect.builder()
                .keepAlive((int) settings.keepAlive().toSeconds())
                .cleanStart(!options.persistentSession())
                .sessionExpiryInterval(options.persistentSession() ? options.sessionExpiry().toSeconds() : 0)
                .restrictions().maximumPacketSize(settings.maxPacketSize())
                .receiveMaximum(options.receiveMaximum() > 0 ? Math.min(options.receiveMaximum(), 65_535) : 65_535)
                .applyRestrictions();
        if (settings.username().isPresent()) {
            connect.simpleAuth().username(settings.username().get())
                    .password(settings.password().orElse("").getBytes(StandardCharsets.UTF_8)).applySimpleAuth();
        }
        options.will().ifPresent(will -> connect.willPublish(Mqtt5WillPublish.builder().topic(will.topic())
                .payload(will.payload()).qos(MqttQos.fromCode(will.qos())).retain(will.retain()).build()));
        return connect.build();
    }

    static ReceivedPublish received(Mqtt5Publish publish) {
        List<? extends Mqtt5UserProperty> user = publish.getUserProperties().asList();
        List<MessageProperties.UserProperty> userProperties = new ArrayList<>(user.size());
        for (Mqtt5UserProperty property : user) {
            userProperties.add(new MessageProperties.UserProperty(property.getName().toString(), property.getValue().toString()));
        }
        MessageProperties properties = MessageProperties.of(publish.getContentType().map(Object::toString).orElse(null),
                publish.getPayloadFormatIndicator().map(format -> format == Mqtt5PayloadFormatIndicator.UTF_8).orElse(null),
                userProperties, publish.getResponseTopic().map(Object::toString).orElse(null),
                publish.getCorrelationData().map(Mqtt5Link::bytes).orElse(null),
                publish.getMessageExpiryInterval().orElse(-1));
        return new ReceivedPublish(publish.getTopic().toString(), publish.getQos().getCode(), publish.isRetain(), true,
                publish.getPayload().orElse(null), properties, publish::acknowledge);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    @Override
    public int version() {
        return 5;
    }

    @Override
    public void connect() {
        // A failed attempt reaches the disconnected listener, which decides about the next one.
        client.connect(connect).exceptionally(failure -> null);
    }

    @Override
    public CompletableFuture<Void> subscribe(BrokerConnection.Subscription subscription, boolean sessionKept) {
        Mqtt5RetainHandling retained = !subscription.retainedOnSubscribe() ? Mqtt5RetainHandling.DO_NOT_SEND
                : sessionKept ? Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST : Mqtt5RetainHandling.SEND;
        return client.subscribeWith().topicFilter(subscription.filter()).qos(MqttQos.fromCode(subscription.qos()))
                .retainAsPublished(subscription.retainAsPublished()).retainHandling(retained)
                .send().thenApply(subAck -> null);
    }

    @Override
    public CompletableFuture<Void> publish(OutboundPublish message) {
        Mqtt5PublishBuilder.Complete publish = Mqtt5Publish.builder().topic(message.topic()).payload(message.payload())
                .qos(MqttQos.fromCode(message.qos())).retain(message.retain());
        MessageProperties properties = message.properties();
        if (!properties.isEmpty()) {
            if (properties.contentType() != null) {
                publish.contentType(properties.contentType());
            }
            if (properties.payloadUtf8() != null) {
                publish.payloadFormatIndicator(properties.payloadUtf8() ? Mqtt5PayloadFormatIndicator.UTF_8
                        : Mqtt5PayloadFormatIndicator.UNSPECIFIED);
            }
            if (!properties.userProperties().isEmpty()) {
                publish.userProperties(Mqtt5UserProperties.of(properties.userProperties().stream()
                        .map(property -> Mqtt5UserProperty.of(property.name(), property.value())).toList()));
            }
            if (properties.responseTopic() != null) {
                publish.responseTopic(properties.responseTopic());
            }
            if (properties.correlationData() != null) {
                publish.correlationData(properties.correlationData());
            }
            if (properties.messageExpirySeconds() >= 0) {
                publish.messageExpiryInterval(properties.messageExpirySeconds());
            }
        }
        return client.publish(publish.build()).thenApply(result -> null);
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
