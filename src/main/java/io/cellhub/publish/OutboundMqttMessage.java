package io.cellhub.publish;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import io.cellhub.channel.OutboundPublish;
import io.smallrye.reactive.messaging.providers.locals.LocalContextMetadata;

/**
 * A message for the {@code mqtt-out} channel. Acknowledging it completes {@code sent}, negatively
 * acknowledging it fails {@code sent}.
 * <p>
 * Its metadata is its MQTT destination and, once the emitter has added it, the Vert.x context it
 * was sent from, kept in two fields and handed out directly when asked for by class, as the sink
 * does for every message. A {@link Message#of} message keeps them in a {@link Metadata} set, which
 * copies into a new map when built and again when the emitter adds the context, and its
 * {@code ack()} builds the set once more: about 500 bytes per processor output (async-profiler).
 */
final class OutboundMqttMessage implements Message<byte[]> {

    private final byte[] payload;
    private final OutboundPublish destination;
    private final LocalContextMetadata context;
    private final CompletableFuture<Void> sent;

    OutboundMqttMessage(byte[] payload, OutboundPublish destination, CompletableFuture<Void> sent) {
        this(payload, destination, null, sent);
    }

    private OutboundMqttMessage(byte[] payload, OutboundPublish destination, LocalContextMetadata context,
            CompletableFuture<Void> sent) {
        this.payload = payload;
        this.destination = destination;
        this.context = context;
        this.sent = sent;
    }

    @Override
    public byte[] getPayload() {
        return payload;
    }

    @Override
    public Metadata getMetadata() {
        return context == null ? Metadata.of(destination) : Metadata.of(destination, context);
    }

    @Override
    public <M> Optional<M> getMetadata(Class<? extends M> type) {
        if (type.isInstance(destination)) {
            return Optional.of(type.cast(destination));
        }
        return context != null && type.isInstance(context) ? Optional.of(type.cast(context)) : Optional.empty();
    }

    @Override
    public Message<byte[]> addMetadata(Object metadata) {
        if (metadata instanceof LocalContextMetadata added && context == null) {
            return new OutboundMqttMessage(payload, destination, added, sent);
        }
        return Message.super.addMetadata(metadata);
    }

    @Override
    public CompletionStage<Void> ack() {
        sent.complete(null);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> ack(Metadata metadata) {
        return ack();
    }

    @Override
    public CompletionStage<Void> nack(Throwable reason) {
        sent.completeExceptionally(reason);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> nack(Throwable reason, Metadata metadata) {
        return nack(reason);
    }

    @Override
    public Function<Metadata, CompletionStage<Void>> getAckWithMetadata() {
        return this::ack;
    }

    @Override
    public BiFunction<Throwable, Metadata, CompletionStage<Void>> getNackWithMetadata() {
        return this::nack;
    }
}
