package io.cellhub.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.cellhub.topic.MessageProperties;
import io.smallrye.reactive.messaging.providers.locals.LocalContextMetadata;

class ReceivedMqttMessageTest {

    private final AtomicInteger acknowledged = new AtomicInteger();
    private final ReceivedPublish publish = new ReceivedPublish("robotcell1/temperature1", 1, true, true,
            ByteBuffer.wrap("21.5".getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer(),
            MessageProperties.of("text/plain", true, List.of(new MessageProperties.UserProperty("line", "7")), null, null, -1),
            acknowledged::incrementAndGet);
    private final ReceivedMqttMessage message = new ReceivedMqttMessage(publish);

    @Test
    void theReceivedPublishIsTheMetadataFoundByItsClass() {
        assertThat(message.getMetadata(ReceivedPublish.class)).containsSame(publish);
        assertThat(message.getMetadata(Object.class)).containsSame(publish);
        assertThat(message.getMetadata(LocalContextMetadata.class)).isEmpty();
        assertThat(message.getMetadata()).containsExactly(publish);
    }

    @Test
    void thePayloadIsCopiedOutOfTheClientsBufferWithoutConsumingIt() {
        assertThat(publish.payloadSize()).isEqualTo(4);
        assertThat(message.getPayload()).asString(StandardCharsets.UTF_8).isEqualTo("21.5");
        assertThat(message.getPayload()).asString(StandardCharsets.UTF_8).isEqualTo("21.5");
        assertThat(message.getPayload()).isNotSameAs(message.getPayload());
    }

    @Test
    void acknowledgingSendsTheAcknowledgementOnce() {
        message.ack().toCompletableFuture().join();
        assertThat(acknowledged).hasValue(1);
    }

    @Test
    void metadataAddedLaterIsCarriedByTheNewMessage() {
        LocalContextMetadata context = new LocalContextMetadata(null);
        var withContext = message.addMetadata(context);
        assertThat(withContext.getMetadata(LocalContextMetadata.class)).containsSame(context);
        assertThat(withContext.getMetadata(ReceivedPublish.class)).containsSame(publish);
        assertThat(withContext.getPayload()).asString(StandardCharsets.UTF_8).isEqualTo("21.5");
    }
}
