package io.cellhub.channel;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/**
 * A message of an incoming channel. Its one metadata is the {@link ReceivedPublish}, handed out
 * directly when asked for by class, as CellHub's consumer does for every message; the payload is
 * copied out of the client's buffer only when asked for, so a consumer that refuses a message by its
 * size never copies it. Acknowledging sends the PUBACK (QoS 1) or PUBREC (QoS 2).
 */
final class ReceivedMqttMessage implements Message<byte[]> {

    private final ReceivedPublish received;
    private Metadata metadata;

    ReceivedMqttMessage(ReceivedPublish received) {
        this.received = received;
    }

    @Override
    public byte[] getPayload() {
        return received.payload();
    }

    @Override
    public Metadata getMetadata() {
        if (metadata == null) {
            metadata = Metadata.of(received);
        }
        return metadata;
    }

    @Override
    public <M> Optional<M> getMetadata(Class<? extends M> type) {
        return type.isInstance(received) ? Optional.of(type.cast(received)) : Optional.empty();
    }

    @Override
    public Function<Metadata, CompletionStage<Void>> getAckWithMetadata() {
        return ignored -> {
            received.acknowledge();
            return CompletableFuture.completedFuture(null);
        };
    }
}
