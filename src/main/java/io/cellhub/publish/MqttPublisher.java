package io.cellhub.publish;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.event.Event;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.cellhub.channel.OutboundPublish;
import io.cellhub.topic.Backlog;
import io.cellhub.topic.Backlogs;
import io.cellhub.topic.InvalidTopicException;
import io.cellhub.topic.RejectionReason;
import io.cellhub.topic.RetainedChange;
import io.cellhub.topic.TopicName;
import io.cellhub.topic.TrafficMetrics;

/**
 * The one way out of CellHub: checks a message, sends it through the {@code mqtt-out} channel and
 * completes once the broker has it: at QoS 1/2 when the broker acknowledged it (PUBACK/PUBCOMP), at
 * QoS 0 when it is written to the connection (the {@code cellhub-mqtt} sink acks then). What is sent
 * and not yet settled is the {@code publish} {@link Backlog}: when the output cannot keep up, ingest
 * stops reading instead of anything being dropped.
 */
@Singleton
public class MqttPublisher {

    /**
     * Messages the channel can hold while the sink catches up: a hard bound on memory, far above the
     * {@linkplain PublishConfig#backlog() backlog} at which ingest stops reading. Only when that stop
     * cannot work (an HTTP client publishing faster than the broker takes) is a publish refused here.
     */
    static final int BUFFERED_MESSAGES = 65_536;

    private final Emitter<byte[]> out;
    private final PublishConfig config;
    private final TrafficMetrics metrics;
    private final Event<RetainedChange> retainedChanges;
    private final Backlog backlog;

    public MqttPublisher(@Channel("mqtt-out") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = MqttPublisher.BUFFERED_MESSAGES) Emitter<byte[]> out,
            PublishConfig config, TrafficMetrics metrics, Event<RetainedChange> retainedChanges, Backlogs backlogs) {
        this.out = out;
        this.config = config;
        this.metrics = metrics;
        this.retainedChanges = retainedChanges;
        this.backlog = backlogs.create("publish", config.backlog());
    }

    /**
     * Publishes for a caller who waits, such as an HTTP request: gives up after
     * {@code cellhub.publish.timeout}.
     *
     * @throws PublishRejectedException when the message breaks a rule; nothing is sent then
     * @return completes when the broker has the message (see the class comment), or exceptionally with a
     *         {@link PublishRejectedException} of reason {@code BROKER_UNAVAILABLE}
     */
    public CompletionStage<Void> publish(OutgoingMessage message) {
        return outcome(message, send(message).orTimeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS));
    }

    /**
     * Publishes a processor's output. No timer per message: while the broker is connected the
     * message waits in the channel's buffer as long as the sink needs; while it is not, the sink
     * fails it at once.
     *
     * @throws PublishRejectedException when the message breaks a rule; nothing is sent then
     * @return as {@link #publish}
     */
    public CompletionStage<Void> forward(OutgoingMessage message) {
        return outcome(message, send(message));
    }

    private CompletableFuture<Void> send(OutgoingMessage message) {
        check(message);
        CompletableFuture<Void> accepted = new CompletableFuture<>();
        backlog.add();
        accepted.whenComplete((ok, failure) -> backlog.remove());
        byte[] payload = message.payload().toByteArray();
        Message<byte[]> mqtt = new OutboundMqttMessage(payload,
                new OutboundPublish(message.topic(), payload, message.qos(), message.retain(), message.properties()), accepted);
        try {
            out.send(mqtt);
        } catch (RuntimeException overflowOrClosed) {
            accepted.completeExceptionally(overflowOrClosed);
        }
        return accepted;
    }

    private CompletionStage<Void> outcome(OutgoingMessage message, CompletableFuture<Void> sent) {
        return sent.handle((ok, failure) -> {
            if (failure == null) {
                metrics.published();
                if (message.retain()) {
                    retainedChanges.fire(new RetainedChange(message.topic(), message.payload(), message.qos(), Instant.now()));
                }
                return null;
            }
            metrics.rejected(RejectionReason.BROKER_UNAVAILABLE);
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            String why = cause instanceof TimeoutException
                    ? "it could not be sent within " + config.timeout().toMillis() + " ms"
                    : String.valueOf(cause.getMessage());
            throw new PublishRejectedException(RejectionReason.BROKER_UNAVAILABLE,
                    "The MQTT broker did not take the message for '" + message.topic() + "': " + why
                            + ". Check /q/health/ready and the broker, then publish again.",
                    cause);
        });
    }

    private void check(OutgoingMessage message) {
        try {
            TopicName.requireValid(message.topic());
        } catch (InvalidTopicException e) {
            throw reject(RejectionReason.INVALID_TOPIC, e.getMessage());
        }
        if (message.qos() < 0 || message.qos() > 2) {
            throw reject(RejectionReason.INVALID_QOS, "qos must be 0, 1 or 2, was " + message.qos() + ".");
        }
        if (message.payload().size() > config.maxPayloadBytes()) {
            throw reject(RejectionReason.PAYLOAD_TOO_LARGE, "The payload is " + message.payload().size()
                    + " bytes; CellHub publishes at most " + config.maxPayloadBytes()
                    + " (cellhub.publish.max-payload-bytes).");
        }
    }

    private PublishRejectedException reject(RejectionReason reason, String message) {
        metrics.rejected(reason);
        return new PublishRejectedException(reason, message);
    }
}
