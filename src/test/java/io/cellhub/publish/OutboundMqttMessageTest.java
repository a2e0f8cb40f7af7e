package io.cellhub.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import io.cellhub.channel.OutboundPublish;
import io.smallrye.reactive.messaging.TracingMetadata;

import io.smallrye.reactive.messaging.providers.locals.LocalContextMetadata;

class OutboundMqttMessageTest {

    private final CompletableFuture<Void> sent = new CompletableFuture<>();
    private final byte[] payload = { '2', '3' };
    private final OutboundPublish destination = new OutboundPublish("robotcell1/avgtemperature", payload, 1, false);
    private final OutboundMqttMessage message = new OutboundMqttMessage(payload, destination, sent);

    @Test
    void ackingCompletesTheSendAndNackingFailsIt() {
        message.ack();
        assertThat(sent).isCompleted();

        CompletableFuture<Void> failed = new CompletableFuture<>();
        IllegalStateException why = new IllegalStateException("broker gone");
        new OutboundMqttMessage(new byte[0], destination, failed).nack(why);
        assertThat(failed).isCompletedExceptionally();
        assertThat(failed.handle((ok, failure) -> failure).join()).isSameAs(why);
    }

    @Test
    void theEmittersContextIsKeptBesideTheDestinationAndAckStillReachesTheSender() {
        LocalContextMetadata context = new LocalContextMetadata(null);
        Message<byte[]> withContext = message.addMetadata(context);

        assertThat(withContext).isInstanceOf(OutboundMqttMessage.class);
        assertThat(withContext.getMetadata(OutboundPublish.class)).containsSame(destination);
        assertThat(withContext.getMetadata(LocalContextMetadata.class)).containsSame(context);
        assertThat(withContext.getMetadata()).containsExactlyInAnyOrder(destination, context);
        assertThat(message.getMetadata(LocalContextMetadata.class)).isEmpty();
        withContext.ack();
        assertThat(sent).isCompleted();
    }

    @Test
    void otherMetadataMakesAGenericMessageThatStillAcksTheSender() {
        Message<byte[]> traced = message.addMetadata(TracingMetadata.empty());

        assertThat(traced.getMetadata(OutboundPublish.class)).containsSame(destination);
        assertThat(traced.getMetadata(TracingMetadata.class)).isPresent();
        assertThat(traced.getPayload()).containsExactly('2', '3');
        traced.ack();
        assertThat(sent).isCompleted();
    }
}
