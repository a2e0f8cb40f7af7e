package io.cellhub.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.smallrye.reactive.messaging.mqtt.MqttMessageMetadata;
import io.smallrye.reactive.messaging.mqtt.ReceivingMqttMessageMetadata;
import io.smallrye.reactive.messaging.providers.locals.LocalContextMetadata;
import io.vertx.mqtt.messages.MqttPublishMessage;

class ReceivedMqttMessageTest {

    private final ReceivedMqttMessage message = ReceivedMqttMessage.of(MqttPublishMessage.create(7, MqttQoS.AT_LEAST_ONCE,
            false, true, "robotcell1/temperature1", Unpooled.copiedBuffer("21.5", StandardCharsets.UTF_8)));

    @Test
    void theMqttMetadataIsFoundByItsClassAndItsSupertypes() {
        ReceivingMqttMessageMetadata mqtt = message.getMetadata(ReceivingMqttMessageMetadata.class).orElseThrow();
        assertThat(mqtt.getTopic()).isEqualTo("robotcell1/temperature1");
        assertThat(mqtt.getMessageId()).isEqualTo(7);
        assertThat(mqtt.isRetain()).isTrue();
        assertThat(message.getMetadata(MqttMessageMetadata.class)).containsSame(mqtt);
        assertThat(message.getMetadata(Object.class)).containsSame(mqtt);
        assertThat(message.getMetadata(LocalContextMetadata.class)).isEmpty();
    }

    @Test
    void theWholeMetadataHoldsTheSameMqttMetadata() {
        ReceivingMqttMessageMetadata mqtt = message.getMetadata(ReceivingMqttMessageMetadata.class).orElseThrow();
        assertThat(message.getMetadata()).containsExactly(mqtt);
        assertThat(message.getMetadata()).isSameAs(message.getMetadata());
    }

    @Test
    void metadataAddedLaterIsCarriedByTheNewMessage() {
        LocalContextMetadata context = new LocalContextMetadata(null);
        var withContext = message.addMetadata(context);
        assertThat(withContext.getMetadata(LocalContextMetadata.class)).containsSame(context);
        assertThat(withContext.getMetadata(ReceivingMqttMessageMetadata.class)).isPresent();
        assertThat(withContext.getPayload()).asString(StandardCharsets.UTF_8).isEqualTo("21.5");
    }
}
