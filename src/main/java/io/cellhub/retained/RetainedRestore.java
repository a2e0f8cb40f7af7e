package io.cellhub.retained;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import io.cellhub.publish.MqttPublisher;
import io.cellhub.publish.OutgoingMessage;
import io.cellhub.topic.Payload;
import io.cellhub.topic.TopicFilter;
import io.cellhub.topic.TopicMessage;

/**
 * Gives the broker back the retained messages it lost: compares the mirror with what a fresh
 * {@link RetainedScanner} scan finds on the broker and republishes, retained and with its QoS, every
 * mirrored message the broker lacks or holds with another payload. For a broker that lost its
 * retained store, such as Mosquitto without persistence after a restart.
 */
@ApplicationScoped
public class RetainedRestore {

    private final RetainedMirror mirror;
    private final RetainedScanner scanner;
    private final MqttPublisher publisher;

    public RetainedRestore(RetainedMirror mirror, RetainedScanner scanner, MqttPublisher publisher) {
        this.mirror = mirror;
        this.scanner = scanner;
        this.publisher = publisher;
    }

    /**
     * Restores the retained messages on topics matching {@code filter}; completes with how many were
     * republished once the broker has taken them all. Reads the mirror on the calling thread (a
     * blocking database read).
     */
    public CompletionStage<Integer> restore(TopicFilter filter) {
        mirror.flush();
        List<RetainedMessage> rows = mirror.list(filter);
        return scanner.scan(filter).thenCompose(scan -> {
            Map<String, Payload> held = new HashMap<>();
            for (TopicMessage message : scan.retained()) {
                held.put(message.topic(), message.payload());
            }
            List<CompletableFuture<Void>> republished = rows.stream()
                    .filter(row -> !Payload.copyOf(row.payload).equals(held.get(row.topic)))
                    .map(row -> publisher.publish(new OutgoingMessage(row.topic, Payload.copyOf(row.payload), row.qos, true))
                            .toCompletableFuture())
                    .toList();
            return CompletableFuture.allOf(republished.toArray(CompletableFuture[]::new))
                    .thenApply(done -> republished.size());
        });
    }
}
